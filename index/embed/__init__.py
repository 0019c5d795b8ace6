"""Sentence embeddings: the embedding model, the runners that compute vectors with it, and its export to ONNX."""
