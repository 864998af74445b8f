"""Publishing and exchanging the glossary: SKOS, TBX, CSV and JSON exports, CSV import, a static site.

Every builder here is pure: it takes `records.ExportTerm`s (terms already parsed by the core and
distilled by `records.record`) and returns text or bytes; the repository service
(`repo/exchange_service.py`) reads the terms, writes the files and commits imports. Validation ships
with the package: a SHACL shape for the SKOS graph and a RELAX NG schema for the TBX subset produced.

Must never: read term files, touch Git or a UI, or fetch anything from the network.
"""
