"""The typed core: enums and dataclasses shared by store, workflows and adapters. Pure."""
