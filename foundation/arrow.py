"""pandas columns as Arrow arrays, for Arrow's hash kernels (``is_in``, ``index_in``, joins of
keys): at hundreds of thousands of rows they answer in milliseconds where pandas' ``isin`` on
Arrow-backed strings, merges or Python sets took seconds."""

import pandas as pd
import pyarrow as pa


def text_array(series: pd.Series) -> pa.Array:
    """A column as one Arrow ``string`` array (missing stays null), without a trip through
    Python. (Wrapping it in ``pa.chunked_array`` cost seconds per million rows; a plain array
    does not.)"""
    values = pa.array(series.astype("str"), from_pandas=True)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.string())
