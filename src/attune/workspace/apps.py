from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The shell above the capabilities: home, caseload, client overview, portal home, navigation and the demo.
    It has no tables of its own; it only gathers what the capabilities below it show."""

    name = "attune.workspace"
    label = "workspace"
    verbose_name = "Workspace"
