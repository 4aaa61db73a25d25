"""The youth's pathway (SPEC §5.1): the weekly risk digest and the placement structure's notice.

``content`` (pure) decides who is at risk and what a digest says; ``digest`` reads one department's
youths near majority and queues the digests exactly once a week; ``placement`` builds the
information email to the placement structure when a mission-locale referral goes out.
"""
