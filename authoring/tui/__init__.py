"""The terminal UI (Textual): a face over `authoring.repo.service.Glossary`."""
