"""What the app holds between requests: settings, database, metrics and (once loaded) the triager.
Routes reach it through the dependencies in ``service.deps``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.admission import Admission
from service.observability import ServiceMetrics
from service.settings import ServiceSettings
from service.triager import Triager


@dataclass
class ServiceState:
    settings: ServiceSettings
    engine: Engine
    sessions: sessionmaker[Session]
    metrics: ServiceMetrics
    reference_secret: bytes
    admission: Admission
    triager: Triager | None = None
    load_error: str | None = None
    database_ready: bool = False
