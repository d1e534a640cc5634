"""Stripe's metadata edits, server side: applied in request order, within Stripe's limits."""

from __future__ import annotations

from ._http import ApiError

__all__ = ["MetadataEdit", "apply_metadata"]

MetadataEdit = tuple[str | None, str | None]
"""(key, value): value None deletes the key; key None clears all metadata."""

# Stripe's limits on metadata: 50 keys, keys of up to 40 characters, values of up to 500.
_METADATA_KEYS = 50
_METADATA_KEY_LENGTH = 40
_METADATA_VALUE_LENGTH = 500


def apply_metadata(current: dict[str, str], edits: list[MetadataEdit]) -> dict[str, str]:
    """The metadata after `edits`, or Stripe's 400 when it breaks Stripe's limits (the count
    is of what the customer ends up with)."""
    metadata = dict(current)
    for key, value in edits:
        if key is None:
            metadata.clear()
        elif value is None:
            metadata.pop(key, None)
        else:
            # Stripe's wording, "under" included, though a limit itself is accepted.
            if len(key) > _METADATA_KEY_LENGTH:
                raise _bad_metadata(
                    f"Invalid key: {key} must be a string under {_METADATA_KEY_LENGTH} characters"
                )
            if len(value) > _METADATA_VALUE_LENGTH:
                raise _bad_metadata(
                    f"Invalid val: {value} must be a string under {_METADATA_VALUE_LENGTH} "
                    "characters"
                )
            metadata[key] = value
    if len(metadata) > _METADATA_KEYS:
        raise _bad_metadata(
            f"Metadata can have up to {_METADATA_KEYS} keys, but you've set {len(metadata)}."
        )
    return metadata


def _bad_metadata(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message, param="metadata")
