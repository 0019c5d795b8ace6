"""Prompt and message templates, kept as text files beside this module."""
