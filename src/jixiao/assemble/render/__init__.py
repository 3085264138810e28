"""Renderers of the stitched document: the built-in pandoc/Typst engine and Quarto."""
