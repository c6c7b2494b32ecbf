"""One module per official source: declared layout, reader returning checked polars frames."""
