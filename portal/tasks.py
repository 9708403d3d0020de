from celery import shared_task

from portal import orphans


@shared_task(ignore_result=True)
def delete_orphan_files() -> int:
    """Daily: remove stored files no row refers to any more (portal.orphans)."""
    return len(orphans.delete_orphan_files())
