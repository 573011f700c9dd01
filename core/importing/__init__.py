"""Importing readings from files: parsers (``formats``) and the service that writes batches."""
