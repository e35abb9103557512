"""What every use case needs, built once by the composition root (bot/app.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.store.db import make_engine, make_session_factory, session_scope


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock = system_clock

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> Runtime:
        engine = make_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessions=make_session_factory(engine), clock=clock)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with session_scope(self.sessions) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
