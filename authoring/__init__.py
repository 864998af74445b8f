"""authoring: a terminal workbench for glossary terms kept as Markdown + YAML front matter in Git."""

__version__ = "0.1.0"
