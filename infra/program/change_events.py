"""Deploy -> PagerDuty in Harness: the change-event step template and the failed-deploy page.

Both read the service's routing key through its Harness secret expression, never the value.

The page on a failed deploy uses Harness's centralised notifications (a PagerDuty channel plus
a pipeline rule on the deploy pipeline) because they are the only mechanism that targets a
pipeline without owning its YAML: a pipeline-level `notificationRules` block would mean
declaring the whole pipeline, which its team edits in Harness. `NotificationRule` is for
Service Reliability only, user group preferences hold the key in plain text, and the older
`CentralNotificationRule` is deprecated. The account needs the feature flags
`PL_CENTRAL_NOTIFICATIONS` and `PIPE_CENTRALISED_NOTIFICATION` (docs/handshake.md).
"""

from __future__ import annotations

import pulumi
import pulumi_harness as harness
from pulumi_harness.platform import (
    PipelineCentralNotificationRuleNotificationConditionArgs as _Condition,
)
from pulumi_harness.platform import (
    PipelineCentralNotificationRuleNotificationConditionNotificationEventConfigArgs as _Event,
)
from pulumi_harness.platform import (
    PipelineCentralNotificationRuleNotificationConditionNotificationEventConfigNotificationEventDataArgs as _EventData,  # noqa: E501
)

from infra.core.names import resource_name
from infra.program.handshake_documents import TEMPLATE_VERSION, step_template_yaml
from infra.program.options import renamed
from infra.program.wiring import ChangeEventWiring

TAGS = ["managed-by:teamcat"]


def declare_change_events(
    wirings: list[ChangeEventWiring],
    events_url: str,
    secrets: dict[str, harness.platform.SecretText],
) -> None:
    """The step template of every service, and the failure page of those with a deploy pipeline."""
    for wiring in wirings:
        after_secret = pulumi.ResourceOptions(depends_on=[secrets[wiring.service]])
        _declare_template(wiring, events_url, after_secret)
        if wiring.deploy_pipeline is not None:
            _declare_failure_page(wiring, wiring.deploy_pipeline, after_secret)


def _declare_template(
    wiring: ChangeEventWiring, events_url: str, after_secret: pulumi.ResourceOptions
) -> harness.platform.Template:
    return harness.platform.Template(
        resource_name("harness-change-template", wiring.service),
        identifier=wiring.template_id,
        name=f"PagerDuty change event: {wiring.service}",
        version=TEMPLATE_VERSION,
        is_stable=True,
        org_id=wiring.org,
        project_id=wiring.project,
        template_yaml=step_template_yaml(wiring, events_url),
        comments="managed by teamcat",
        tags=[*TAGS, f"catalog-service:{wiring.service}"],
        opts=pulumi.ResourceOptions.merge(
            renamed("harness-change-template", wiring.renamed_from), after_secret
        ),
    )


def _declare_failure_page(
    wiring: ChangeEventWiring, pipeline: str, after_secret: pulumi.ResourceOptions
) -> harness.platform.PipelineCentralNotificationRule:
    channel = harness.platform.CentralNotificationChannel(
        resource_name("harness-pd-channel", wiring.service),
        identifier=wiring.channel_id,
        name=f"PagerDuty: {wiring.service}",
        notification_channel_type="PAGERDUTY",
        org=wiring.org,
        project=wiring.project,
        status="ENABLED",
        channel=harness.platform.CentralNotificationChannelChannelArgs(
            # The secret expression, not the key: Harness resolves it when it sends the page.
            pager_duty_integration_keys=[wiring.secret_expression],
        ),
        opts=pulumi.ResourceOptions.merge(
            renamed("harness-pd-channel", wiring.renamed_from), after_secret
        ),
    )
    return harness.platform.PipelineCentralNotificationRule(
        resource_name("harness-deploy-failed", wiring.service),
        identifier=wiring.rule_id,
        name=f"Page {wiring.service} when {pipeline} fails",
        org=wiring.org,
        project=wiring.project,
        status="ENABLED",
        notification_channel_refs=[channel.identifier],
        notification_conditions=[
            _Condition(
                condition_name="deploy_failed",
                notification_event_configs=[
                    _Event(
                        notification_entity="PIPELINE",
                        notification_event="PIPELINE_FAILED",
                        entity_identifiers=[pipeline],
                        # Project scope: the rule applies within its own project.
                        notification_event_datas=[
                            _EventData(type="PIPELINE", scope_identifiers=[])
                        ],
                    )
                ],
            )
        ],
        opts=renamed("harness-deploy-failed", wiring.renamed_from),
    )
