"""drafting: build sourced hearing briefs from a shared fact library.

Data flows through modules named after the steps:
``library`` (load facts and sources) → ``markdown`` and ``citations`` (parse) →
``assemble`` (expand a brief into one document) → ``resolve`` (footnote numbers and
short forms) → ``style`` (format citations) → ``word`` (write the .docx).
``build`` runs the pipeline; ``cli`` is the only module that knows click.
"""

__version__ = "0.1.0"
