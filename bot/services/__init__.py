"""Domain services: the rules of Attune (no discord.py, no bot object), built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.content import ContentLibrary
from bot.crypto import Cipher
from bot.db import Database
from bot.repositories.appreciations import AppreciationsRepository
from bot.repositories.bids import BidsRepository
from bot.repositories.boundaries import BoundariesRepository
from bot.repositories.breaks import BreaksRepository
from bot.repositories.checkins import CheckinRepository
from bot.repositories.couple_prompts import CouplePromptsRepository
from bot.repositories.couples import CouplesRepository
from bot.repositories.exercises import ExercisesRepository
from bot.repositories.journal import JournalRepository
from bot.repositories.meetings import MeetingRepository
from bot.repositories.meta import MetaRepository
from bot.repositories.people import PeopleRepository
from bot.repositories.privacy import PrivacyRepository
from bot.repositories.progress import ProgressRepository
from bot.repositories.thread_health import ThreadHealthRepository
from bot.services.appreciations import AppreciationsService
from bot.services.bids import BidsService
from bot.services.boundaries import BoundariesService
from bot.services.breaks import BreaksService
from bot.services.checkins import CheckinService
from bot.services.couple_prompts import CouplePromptsService
from bot.services.couples import CouplesService
from bot.services.exercises import ExercisesService
from bot.services.journal import JournalService
from bot.services.meetings import MeetingService
from bot.services.meta import MetaService
from bot.services.notifications import NotificationService
from bot.services.people import PeopleService
from bot.services.privacy import PrivacyService
from bot.services.progress import ProgressService


@dataclass(frozen=True)
class Services:
    meta: MetaService
    people: PeopleService
    couples: CouplesService
    journal: JournalService
    exercises: ExercisesService
    boundaries: BoundariesService
    checkins: CheckinService
    prompts: CouplePromptsService
    progress: ProgressService
    privacy: PrivacyService
    notifications: NotificationService
    appreciations: AppreciationsService
    bids: BidsService
    meetings: MeetingService
    breaks: BreaksService


def build_services(
    database: Database, cipher: Cipher, content: ContentLibrary, clock: Clock, settings: Settings
) -> Services:
    """Every service, each built once; the ones that read from others get the same instances.

    The cipher goes only to the repositories that seal and open what people write."""
    people = PeopleRepository(database)
    people_service = PeopleService(people)
    couples = CouplesService(CouplesRepository(database), people, clock, ThreadHealthRepository(database))
    exercises = ExercisesService(ExercisesRepository(database, cipher), content, clock)
    prompts = CouplePromptsService(CouplePromptsRepository(database, cipher), content, clock)
    checkins = CheckinService(
        CheckinRepository(database, cipher), content, clock, settings.missed_round_grace_minutes, prompts
    )
    return Services(
        meta=MetaService(MetaRepository(database)),
        people=people_service,
        couples=couples,
        journal=JournalService(JournalRepository(database, cipher), people, content, clock),
        exercises=exercises,
        boundaries=BoundariesService(BoundariesRepository(database, cipher), clock),
        checkins=checkins,
        prompts=prompts,
        progress=ProgressService(
            ProgressRepository(database, cipher), content, clock, couples, exercises, checkins
        ),
        privacy=PrivacyService(PrivacyRepository(database, cipher), content, clock, people_service),
        notifications=NotificationService(people, clock),
        appreciations=AppreciationsService(AppreciationsRepository(database, cipher), couples, clock),
        bids=BidsService(BidsRepository(database, cipher), clock),
        meetings=MeetingService(
            MeetingRepository(database, cipher),
            JournalRepository(database, cipher),  # each partner's record of a meeting is a journal entry
            content,
            clock,
            settings.missed_round_grace_minutes,
        ),
        breaks=BreaksService(BreaksRepository(database, cipher), couples, clock),
    )
