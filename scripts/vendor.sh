#!/usr/bin/env bash
# Re-fetch the vendored browser libraries at their pinned versions and check them.
#
#   scripts/vendor.sh            fetch each package with `npm pack`, check the tarball's
#                                integrity and that every vendored file equals the package's
#                                own file (sha256 in the manifest); exit 1 on any difference
#   scripts/vendor.sh --write    (re)write the vendored files and their hashes from the
#                                pinned packages (after changing a version in the manifest)
#
# The manifest is src/recyclic/web/static/vendor/manifest.json: for each package its name,
# version, licence, npm integrity, and which of its files we ship (whole and unedited, with
# their licence). Needs Node's npm; no package-lock.json is written (it records download
# addresses).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode="check"
[ "${1:-}" = "--write" ] && mode="write"
command -v npm >/dev/null || { echo "npm is needed (Node.js)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$mode" "$work" <<'PY'
import base64, hashlib, json, subprocess, sys, tarfile
from pathlib import Path

mode, work = sys.argv[1], Path(sys.argv[2])
vendor = Path("src/recyclic/web/static/vendor")
manifest_path = vendor / "manifest.json"
manifest = json.loads(manifest_path.read_text())
problems = []

for package in manifest["packages"]:
    spec = f"{package['name']}@{package['version']}"
    folder = work / package["name"].replace("/", "_")
    folder.mkdir(parents=True)
    result = subprocess.run(
        ["npm", "pack", spec, "--json", "--silent", "--pack-destination", str(folder)],
        check=True, capture_output=True, text=True, cwd=folder,
    )
    info = json.loads(result.stdout)[0]
    tarball = folder / info["filename"]
    algorithm, _, expected = info["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if actual != expected:
        problems.append(f"{spec}: the tarball does not match npm's integrity")
        continue
    if mode == "write":
        package["integrity"] = info["integrity"]
    elif package.get("integrity") != info["integrity"]:
        problems.append(f"{spec}: integrity differs from the manifest")
    with tarfile.open(tarball) as archive:
        for source, target in package["files"].items():
            member = archive.extractfile(f"package/{source}")
            assert member is not None, source
            content = member.read()
            digest = hashlib.sha256(content).hexdigest()
            destination = vendor / target
            if mode == "write":
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(content)
                package.setdefault("sha256", {})[target] = digest
                continue
            if package.get("sha256", {}).get(target) != digest:
                problems.append(f"{spec}: {source} is not the pinned file")
            elif not destination.exists() or hashlib.sha256(destination.read_bytes()).hexdigest() != digest:
                problems.append(f"{spec}: {target} was edited or is missing")
    print(f"{spec} ({package['license']}): {len(package['files'])} files {'written' if mode == 'write' else 'checked'}")

if mode == "write":
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
PY
