"""The article index: loading, chunking, embedding, storing and searching news articles."""

from pathlib import Path

SAMPLES_DIR = Path(__file__).parent / "samples"
"""The bundled sample articles, indexed when a new user asks a first question."""
