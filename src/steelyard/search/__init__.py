"""Trade-aware search: typos, synonyms, grades and sizes, facets, over live stock (see docs/search.md)."""
