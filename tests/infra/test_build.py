"""infra/build.py beyond today's app: the worker's wiring, the policies, the package check."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra import build
from tests.support.cfn import as_list, refs

ROOT = Path(__file__).resolve().parents[2]
CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text())["stages"]["prod"]

# The worker arrives with a later feature; the build must already wire it.
WITH_WORKER = """
import json
from infra import build
app = build.load_app()
from chalicelib.core.settings import get_settings

@app.on_sqs_message(queue=get_settings().queue_name, batch_size=1, name="generation_worker")
def generation_worker(event):
    return None

print(json.dumps(build.merge_template(app)))
"""


@pytest.fixture(scope="module")
def merge_with_worker():
    done = subprocess.run([sys.executable, "-c", WITH_WORKER], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def test_the_worker_gets_its_name_environment_logs_and_waits_for_its_queue(merge_with_worker):
    resources = merge_with_worker["Resources"]
    worker = resources["GenerationWorker"]
    assert worker["DependsOn"] == ["GenerationQueue"]
    assert worker["Properties"]["FunctionName"] == "caaartoons-prod-generation_worker"
    assert worker["Properties"]["Environment"]["Variables"]["GENERATION_QUEUE"] == (
        resources["GenerationQueue"]["Properties"]["QueueName"])
    assert "GenerationWorkerLogGroup" in resources
    assert "GenerationWorkerThrottlesAlarm" in resources


@pytest.mark.parametrize("function", sorted(CONFIG["lambda_functions"]))
def test_every_policy_file_names_only_resources_of_the_stack(merge_with_worker, function):
    policy = json.loads((ROOT / ".chalice" / CONFIG["lambda_functions"][function][
        "iam_policy_file"]).read_text())
    known = set(merge_with_worker["Resources"]) | {"AWS::Partition", "AWS::Region",
                                                   "AWS::AccountId"}
    assert refs(policy) <= known
    assert f"{build.function_id(function)}LogGroup" in refs(policy)


def test_the_worker_may_consume_its_queue_and_touch_only_account_images_exports_uploads():
    policy = json.loads((ROOT / ".chalice" / CONFIG["lambda_functions"]["generation_worker"][
        "iam_policy_file"]).read_text())
    grants = {action: refs(s["Resource"]) for s in policy["Statement"]
              for action in as_list(s["Action"])}
    for action in ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"):
        assert grants[action] == {"GenerationQueue"}
    # ListBucket: only the uploads (a data export names what is still kept), by prefix
    assert {a for a in grants if a.startswith("s3:")} == {
        "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
        "s3:ListBucket"}
    (listing,) = [s for s in policy["Statement"] if "s3:ListBucket" in as_list(s["Action"])]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["uploads/*"]}}
    writes = [s for s in policy["Statement"] if "s3:PutObject" in as_list(s["Action"])]
    assert [s["Resource"] for s in writes] == [{"Fn::Sub": "${ImagesBucket.Arn}/users/*"},
                                               {"Fn::Sub": "${ImagesBucket.Arn}/exports/*"},
                                               {"Fn::Sub": "${ImagesBucket.Arn}/uploads/*"}]
    (exports,) = [s for s in writes if "exports/" in s["Resource"]["Fn::Sub"]]
    assert "s3:GetObject" not in as_list(exports["Action"])  # it writes them, never reads


def test_a_worker_reading_another_queue_is_refused():
    code = WITH_WORKER.replace("get_settings().queue_name", '"somebody-elses-queue"')
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert "a queue this stack lacks" in done.stderr


def test_a_package_without_a_pinned_requirement_is_caught(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# runtime\nPyNamoDB==6.1.0\npillow==12.2.0  # images\n")
    package = tmp_path / "deployment.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("pynamodb-6.1.0.dist-info/METADATA", "")
        archive.writestr("pillow-11.0.0.dist-info/METADATA", "")  # the wrong version
    assert build.missing_requirements(package, requirements) == ["pillow==12.2.0"]
    with zipfile.ZipFile(package, "a") as archive:
        archive.writestr("pillow-12.2.0.dist-info/METADATA", "")
    assert build.missing_requirements(package, requirements) == []


def test_the_built_package_holds_every_runtime_requirement(template):
    package = ROOT / "dist" / "package" / "deployment.zip"
    assert build.missing_requirements(package) == []
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
    assert {"app.py", "chalicelib/core/settings.py", "chalice/app.py"} <= names
    assert not any(name.startswith(("tests/", "local/", "infra/")) for name in names)
