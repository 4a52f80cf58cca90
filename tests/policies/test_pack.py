"""The policy pack: it loads without serving, mirrors the rule registry, and is what the CLI runs.

The last tests drive the pack through pulumi-policy's own analyzer servicer, the object the
Pulumi engine talks to over gRPC, so the pack is exercised the way `pulumi preview` uses it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
)
from pulumi_policy.policy import _PolicyAnalyzerServicer

from infra.cli.plan import plan_catalog
from infra.cli.policy import PACK_DIR, load_pack, planned_resource_args, run_policies
from infra.rules.registry import RULES
from tests.conftest import MINIMAL
from tests.policies.helpers import DATA, marked_line

KEBAB = re.compile(r"^[a-z]+(-[a-z]+)+$")


def test_importing_the_pack_builds_policies_without_serving(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = importlib.util.spec_from_file_location("pack_under_test", PACK_DIR / "__main__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)

    spec.loader.exec_module(module)  # serving would block here and print the gRPC port

    assert len(module.POLICIES) == len(RULES)
    assert capsys.readouterr().out == ""
    assert callable(module.serve)


def test_every_rule_is_one_policy_with_a_kebab_name_a_sentence_and_a_level() -> None:
    pack = load_pack()

    for policy, rule in zip(pack.POLICIES, RULES, strict=True):
        assert policy.name == rule.name and KEBAB.match(policy.name)
        assert policy.description == rule.description
        assert policy.description.endswith(".") and ". " not in policy.description
        assert policy.enforcement_level == EnforcementLevel(rule.level)
        expected = ResourceValidationPolicy if rule.resource_check else StackValidationPolicy
        assert isinstance(policy, expected)
    assert len({p.name for p in pack.POLICIES}) == len(pack.POLICIES)


def test_the_cli_runs_the_very_policy_objects_of_the_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    pack = load_pack()
    called: list[str] = []
    for policy in pack.POLICIES:
        original = policy.validate

        def spy(args: Any, report: Any, policy: Any = policy, original: Any = original) -> Any:
            called.append(policy.name)
            return original(args, report)

        monkeypatch.setattr(policy, "validate", spy)

    run = run_policies(MINIMAL, "dev", previous=MINIMAL)

    assert load_pack() is pack
    assert set(called) == {rule.name for rule in RULES}
    assert run.policies == len(RULES)


def plain(value: Any) -> Any:
    """A policy's read-only proxies as plain dicts and lists."""
    if isinstance(value, Mapping):
        return {k: plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [plain(v) for v in value]
    return value


def _request(resource: Any, urn: str) -> Any:
    properties = struct_pb2.Struct()
    properties.update(resource.inputs)
    options = proto.AnalyzerResourceOptions(
        protect=resource.protect,
        additionalSecretOutputs=list(resource.additional_secret_outputs),
    )
    return proto.AnalyzeRequest(
        type=resource.type, name=resource.name, urn=urn, properties=properties, options=options
    )


def test_the_cli_builds_the_arguments_crossguard_builds() -> None:
    plan = plan_catalog(str(MINIMAL), "dev")
    seen: list[ResourceValidationArgs] = []
    spy = ResourceValidationPolicy(
        "spy-policy", "Records its arguments.", lambda a, r: seen.append(a)
    )
    servicer = _PolicyAnalyzerServicer("spy", "1", [spy], EnforcementLevel.ADVISORY)

    for resource in plan.resources:
        ours = planned_resource_args(resource, plan.stack)
        servicer.Analyze(_request(resource, ours.urn), None)
        theirs = seen.pop()

        assert (theirs.resource_type, theirs.name, theirs.urn) == (
            ours.resource_type,
            ours.name,
            ours.urn,
        )
        assert plain(theirs.props) == plain(ours.props)
        assert theirs.opts.protect == ours.opts.protect
        assert list(theirs.opts.additional_secret_outputs) == ours.opts.additional_secret_outputs


def _servicer() -> _PolicyAnalyzerServicer:
    return _PolicyAnalyzerServicer(
        "teamcat", "0.1.0", load_pack().POLICIES, EnforcementLevel.ADVISORY
    )


def test_the_engine_sees_every_policy_with_its_level_and_config() -> None:
    info = _servicer().GetAnalyzerInfo(None, None)

    levels = {p.name: p.enforcementLevel for p in info.policies}
    assert levels["paged-can-fix"] == proto.MANDATORY
    assert levels["no-single-person-rotation"] == proto.ADVISORY
    schema = {p.name: p.configSchema for p in info.policies}
    assert "executionRoles" in schema["paged-can-fix"].properties
    assert "previousCatalog" in schema["decommission-before-removal"].properties


def _webhook_request(url: str) -> Any:
    properties = struct_pb2.Struct()
    properties.update(
        {
            "type": "webhook_subscription",
            "deliveryMethods": [
                {"url": url, "customHeaders": [{"name": "X-Api-Key", "value": "sat.k"}]}
            ],
        }
    )
    return proto.AnalyzeRequest(
        type="pagerduty:index/webhookSubscription:WebhookSubscription",
        name="pd-webhook-api-pause",
        urn="urn:pulumi:dev::teamcat::pagerduty:index/webhookSubscription:WebhookSubscription::w",
        properties=properties,
        options=proto.AnalyzerResourceOptions(),
    )


def test_a_resource_violation_reaches_the_engine_at_the_configured_level() -> None:
    servicer = _servicer()

    clean = servicer.Analyze(_webhook_request("https://app.harness.io/hook"), None)
    blocked = servicer.Analyze(_webhook_request("http://app.harness.io/hook"), None)
    level = proto.PolicyConfig(enforcementLevel=proto.ADVISORY)
    servicer.Configure(
        proto.ConfigureAnalyzerRequest(policyConfig={"callbacks-authenticated": level}), None
    )
    advised = servicer.Analyze(_webhook_request("http://app.harness.io/hook"), None)

    assert list(clean.diagnostics) == []
    [diagnostic] = blocked.diagnostics
    assert diagnostic.policyName == "callbacks-authenticated"
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert "delivers to `http://app.harness.io/hook`, which is not HTTPS" in diagnostic.message
    assert [d.enforcementLevel for d in advised.diagnostics] == [proto.ADVISORY]


def test_a_catalog_violation_reaches_the_engine_with_its_catalog_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalog = DATA / "escalation-one-person.yaml"
    # The engine hands a pack the stack's settings through PULUMI_CONFIG.
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"teamcat:catalog": str(catalog)}))

    response = _servicer().AnalyzeStack(proto.AnalyzeStackRequest(resources=[]), None)

    [diagnostic] = [d for d in response.diagnostics if d.policyName == "escalation-reaches-two"]
    assert f"{catalog}:{marked_line(catalog)}:7: the escalation policy of team `core`" in (
        diagnostic.message
    )
    assert diagnostic.enforcementLevel == proto.MANDATORY


def test_a_broken_catalog_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\npeople: []\n")
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"teamcat:catalog": str(broken)}))

    response = _servicer().AnalyzeStack(proto.AnalyzeStackRequest(resources=[]), None)

    owners = [d for d in response.diagnostics if d.policyName == "service-owner-staffed"]
    assert len(owners) == 1
    assert f"the catalog {broken} has" in owners[0].message


def _stack_resource(type_: str, name: str, props: dict[str, Any]) -> Any:
    properties = struct_pb2.Struct()
    properties.update(props)
    urn = f"urn:pulumi:dev::teamcat::{type_}::{name}"
    return proto.AnalyzerResource(type=type_, name=name, urn=urn, properties=properties)


def test_a_stack_rule_names_the_resource_it_blames(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"teamcat:catalog": str(MINIMAL)}))
    trigger_yaml = "trigger:\n  source:\n    type: Webhook\n    spec: {type: Custom}\n"
    trigger = _stack_resource(
        "harness:platform/triggers:Triggers",
        "harness-trigger-api-rollback",
        {"orgId": "eng", "projectId": "core", "yaml": trigger_yaml},
    )

    response = _servicer().AnalyzeStack(proto.AnalyzeStackRequest(resources=[trigger]), None)

    [diagnostic] = [d for d in response.diagnostics if d.policyName == "trigger-auth-mandated"]
    assert diagnostic.urn == trigger.urn
    assert "accepts calls without an API key" in diagnostic.message


def test_run_as_the_engine_runs_it_the_pack_serves_its_policies_on_loopback() -> None:
    # `pulumi preview --policy-pack policies` starts `python -m pulumi.policy <engine> .` inside
    # the pack directory and reads the gRPC port from its first line of output.
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=PACK_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            info = analyzer_pb2_grpc.AnalyzerStub(channel).GetAnalyzerInfo(empty_pb2.Empty())
    finally:
        server.terminate()
        server.communicate()

    assert info.name == "teamcat"
    assert [p.name for p in info.policies] == [rule.name for rule in RULES]
