"""routing: which partner receives a referral (pure)."""

from chalicelib.routing.rules import (
    REASONS,
    DirectoryView,
    InMemoryDirectory,
    NoRoute,
    Route,
    choose_channel,
    city_of_arrondissement,
    fallback_channel,
    route_habitat_jeunes,
    route_mission_locale,
)

__all__ = [
    "REASONS",
    "DirectoryView",
    "InMemoryDirectory",
    "NoRoute",
    "Route",
    "choose_channel",
    "city_of_arrondissement",
    "fallback_channel",
    "route_habitat_jeunes",
    "route_mission_locale",
]
