"""Price series to analyse: the S&P 500 and NASDAQ daily closes that `arch` ships (1999-2018), and the user's uploads."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime

import polars as pl
from pydantic import BaseModel

from codexcontinue import InputError

from .owner_data import OwnerData, checked_name

#: Sample name -> (title, module of arch.data that loads it).
SAMPLES = {
    "sp500": (
        "S&P 500 index, daily adjusted close 1999-2018 (shipped with arch)",
        "arch.data.sp500",
    ),
    "nasdaq": (
        "NASDAQ Composite index, daily adjusted close 1999-2018 (shipped with arch)",
        "arch.data.nasdaq",
    ),
}


class SeriesInfo(BaseModel):
    """A series that can be analysed."""

    name: str
    title: str
    source: str
    start: date
    end: date
    observations: int


def sample_prices(name: str) -> pl.DataFrame:
    """The shipped sample `name` as columns `date` and `close` (the adjusted close)."""
    loaded = importlib.import_module(SAMPLES[name][1]).load()
    return pl.DataFrame(
        {"date": list(loaded.index.date), "close": loaded["Adj Close"].to_numpy()},
        schema={"date": pl.Date, "close": pl.Float64},
    )


class MarketSeries:
    """The series one API key uploaded, and the shipped samples."""

    def __init__(self, data: OwnerData) -> None:
        self.data = data

    async def save(self, prices: pl.DataFrame, name: str, filename: str) -> list[SeriesInfo]:
        """Keep each symbol of a long price table: under `name` when there is one symbol, else under each symbol."""
        symbols = prices["symbol"].unique(maintain_order=True).to_list()
        saved = []
        for symbol in symbols:
            series_name = checked_name(name if len(symbols) == 1 else symbol, "Series name")
            if series_name in SAMPLES:
                raise InputError(f"'{series_name}' is the name of a shipped sample; upload under another name.")
            frame = prices.filter(pl.col("symbol") == symbol).select("date", "close")
            if frame.height < 3:
                raise InputError(f"Series '{series_name}' has {frame.height} price(s); analysis needs at least 3.")
            info = SeriesInfo(
                name=series_name,
                title=f"{symbol} from {filename}",
                source="upload",
                start=frame["date"].min(),
                end=frame["date"].max(),
                observations=frame.height,
            )
            await self.data.set_frame(frame, "series", series_name, "prices")
            await self.data.set_json(
                {
                    **info.model_dump(mode="json"),
                    "uploaded_at": datetime.now(UTC).isoformat(),
                },
                "series",
                series_name,
                "info",
            )
            saved.append(info)
        return saved

    async def list(self) -> list[SeriesInfo]:
        """The samples, then the user's series by name."""
        own = [SeriesInfo(**await self.data.get_json("series", n, "info")) for n in await self.data.names("series")]
        samples = [
            SeriesInfo(
                name=n,
                title=title,
                source="sample",
                start=date(1999, 1, 4),
                end=date(2018, 12, 31),
                observations=5031,
            )
            for n, (title, _) in SAMPLES.items()
        ]
        return samples + own

    async def prices(self, name: str) -> pl.DataFrame:
        """Columns `date` and `close` of series `name`; 404 when neither a sample nor one of the user's."""
        if name in SAMPLES:
            return sample_prices(name)
        frame = await self.data.get_frame("series", name, "prices")
        if frame is None:
            raise InputError(
                f"No price series '{name}' for this API key; upload it first or use a sample ({', '.join(SAMPLES)}).",
                status=404,
            )
        return frame

    async def delete(self, name: str) -> None:
        """Remove one of the user's series."""
        if not await self.data.delete("series", name, "prices"):
            raise InputError(f"No price series '{name}' for this API key.", status=404)
        await self.data.delete("series", name, "info")
