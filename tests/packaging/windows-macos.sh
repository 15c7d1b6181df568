#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The MSI and the DMG cannot be built on Debian (CPack's WIX and DragNDrop generators exist only on
# Windows and macOS), so their configuration is linted here as far as Linux tools reach:
#  - Info.plist (configured by the build exactly as macOS uses it): well-formed (xmllint), a property list
#    (Python's plistlib) with the bundle id, versions, minimum macOS, high-DPI and icon; vigil.icns holds
#    PNGs up to 1024 px; vigil.ico up to 256 px.
#  - WiX: the extra source and the patch are well-formed; the patch is applied to a stand-in for CPack's
#    generated product the way CPack applies it, and wixl (msitools) builds an MSI from it. wixl does not
#    know <Component><Condition> or Property/@Secure: those two are checked by value and left out of the
#    wixl run. The MSI's tables then show the desktop shortcut, its component in the product feature and
#    the INSTALLDESKTOPSHORTCUT property.
#  - The licence as RTF, the fixed upgrade GUID, the Windows resource script, the CI workflow files.
#   windows-macos.sh SOURCE_DIR BUILD_DIR
source "$(dirname "$0")/common.sh"
src=$1
build=$2
need xmllint wixl msiinfo python3
python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml is missing (packaging/linux/install-deps.sh installs it)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

plist=$build/packaging/Info.plist
xmllint --noout "$plist" || fail "Info.plist is not well-formed XML"
for f in "$src"/packaging/windows/desktop-shortcut.wxs "$src"/packaging/windows/wix-patch.xml; do
    xmllint --noout "$f" || fail "$f is not well-formed XML"
done
ok "xmllint: Info.plist, desktop-shortcut.wxs, wix-patch.xml"

python3 - "$src" "$build" "$tmp" <<'PY'
import plistlib, re, struct, subprocess, sys, uuid
import xml.etree.ElementTree as ET
import yaml

src, build, tmp = sys.argv[1:4]
app_id = "io.github.vigil.Vigil"
def fail(msg):
    sys.exit("FAIL: " + msg)
def ok(msg):
    print("ok: " + msg)

cache = open(f"{build}/CMakeCache.txt").read()
version = re.search(r"^CMAKE_PROJECT_VERSION:STATIC=(.*)$", cache, re.M).group(1)
cmake = open(f"{src}/packaging/CMakeLists.txt").read()

# ---- macOS: Info.plist and the icon
with open(f"{build}/packaging/Info.plist", "rb") as f:
    p = plistlib.load(f)
expect = {"CFBundleIdentifier": app_id, "CFBundleExecutable": "Vigil", "CFBundlePackageType": "APPL",
          "CFBundleShortVersionString": version, "CFBundleVersion": version, "CFBundleIconFile": "vigil.icns",
          "NSHighResolutionCapable": True, "NSPrincipalClass": "NSApplication"}
for key, value in expect.items():
    if p.get(key) != value:
        fail(f"Info.plist {key} is {p.get(key)!r}, not {value!r}")
if not re.fullmatch(r"\d+\.\d+(\.\d+)?", p.get("LSMinimumSystemVersion", "")):
    fail(f"Info.plist LSMinimumSystemVersion {p.get('LSMinimumSystemVersion')!r}")
if "@" in open(f"{build}/packaging/Info.plist").read():
    fail("Info.plist has an unconfigured @VARIABLE@")
ok(f"Info.plist: {app_id} {version}, macOS >= {p['LSMinimumSystemVersion']}, high-DPI, {len(p)} keys")

def png_size(data):
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        fail("an icon image is not a PNG")
    return struct.unpack(">II", data[16:24])

icns = open(f"{src}/resources/icons/vigil.icns", "rb").read()
if icns[:4] != b"icns" or struct.unpack(">I", icns[4:8])[0] != len(icns):
    fail("vigil.icns: bad header")
pos, sizes = 8, {}
while pos < len(icns):
    kind, length = icns[pos:pos + 4].decode(), struct.unpack(">I", icns[pos + 4:pos + 8])[0]
    sizes[kind] = png_size(icns[pos + 8:pos + length])[0]
    pos += length
if pos != len(icns) or sizes.get("ic10") != 1024 or sizes.get("ic07") != 128 or sizes.get("icp4") != 16:
    fail(f"vigil.icns elements {sizes}")
ok(f"vigil.icns: {len(sizes)} images, {min(sizes.values())} to {max(sizes.values())} px")

ico = open(f"{src}/resources/icons/vigil.ico", "rb").read()
reserved, kind, count = struct.unpack("<HHH", ico[:6])
if reserved != 0 or kind != 1 or count < 4:
    fail("vigil.ico: bad header")
ico_sizes = []
for i in range(count):
    w, h, _, _, _, _, length, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i:22 + 16 * i])
    pw, ph = png_size(ico[offset:offset + length])
    if (w or 256, h or 256) != (pw, ph):
        fail(f"vigil.ico entry {i}: directory says {w}x{h}, image is {pw}x{ph}")
    ico_sizes.append(pw)
if 16 not in ico_sizes or 256 not in ico_sizes:
    fail(f"vigil.ico sizes {ico_sizes}")
ok(f"vigil.ico: {ico_sizes}")

# ---- Windows: licence RTF, upgrade GUID, resource script
rtf = open(f"{build}/packaging/LICENSE.rtf").read()
body = re.sub(r"\\[\\{}]", "", rtf)
if not rtf.startswith("{\\rtf1") or body.count("{") != body.count("}") or "GNU GENERAL PUBLIC LICENSE" not in rtf:
    fail("LICENSE.rtf is not a balanced RTF document with the licence")
ok(f"LICENSE.rtf: {len(rtf)} bytes, {rtf.count(chr(92) + 'par')} lines")

guid = re.search(r"set\(CPACK_WIX_UPGRADE_GUID (\S+)\)", cmake).group(1)
uuid.UUID(guid)
for var, path in (("CPACK_WIX_EXTRA_SOURCES", "windows/desktop-shortcut.wxs"),
                  ("CPACK_WIX_PATCH_FILE", "windows/wix-patch.xml"),
                  ("CPACK_WIX_LICENSE_RTF", "LICENSE.rtf"), ("CPACK_WIX_PRODUCT_ICON", "vigil.ico")):
    if not re.search(rf"set\({var} \S*{re.escape(path)}\)", cmake):
        fail(f"{var} does not name {path}")
if "CPACK_START_MENU_SHORTCUTS" not in cmake or "perMachine" not in cmake:
    fail("no Start-menu shortcut or per-machine scope in packaging/CMakeLists.txt")
rc = open(f"{src}/packaging/windows/vigil.rc.in").read()
unknown = set(re.findall(r"@(\w+)@", rc)) - {"VIGIL_ICON_ICO", "PROJECT_VERSION", "PROJECT_VERSION_MAJOR",
                                              "PROJECT_VERSION_MINOR", "PROJECT_VERSION_PATCH", "PROJECT_DESCRIPTION"}
if unknown or "ICON" not in rc:
    fail(f"vigil.rc.in: unknown placeholders {unknown}")
ok(f"upgrade GUID {guid}, WiX sources named, vigil.rc.in")

# ---- Windows: the WiX sources through wixl
WIX = "http://schemas.microsoft.com/wix/2006/wi"
ET.register_namespace("", WIX)
W = lambda tag: f"{{{WIX}}}{tag}"
# A stand-in for what CPack generates: the product, the install folder INSTALL_ROOT, bin\vigil.exe in a
# component, the root feature ProductFeature.
product_xml = f"""<Wix xmlns="{WIX}"><Product Id="*" Name="Vigil" Language="1033" Version="{version}"
  Manufacturer="The Vigil developers" UpgradeCode="{guid}">
  <Package InstallerVersion="301" Compressed="yes" InstallScope="perMachine"/>
  <Media Id="1" Cabinet="media1.cab" EmbedCab="yes"/>
  <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFiles64Folder">
    <Directory Id="INSTALL_ROOT" Name="Vigil"><Directory Id="CM_DP_bin" Name="bin">
      <Component Id="CM_C_vigil_exe" Guid="*"><File Id="CM_FP_vigil.exe" Name="vigil.exe" Source="vigil.exe" KeyPath="yes"/></Component>
    </Directory></Directory></Directory></Directory>
  <Feature Id="ProductFeature" Level="1"><ComponentRef Id="CM_C_vigil_exe"/></Feature>
</Product></Wix>"""
open(f"{tmp}/vigil.exe", "w").write("stand-in\n")
product = ET.fromstring(product_xml)
targets = {"#PRODUCT": product.find(W("Product")), "#PRODUCTFEATURE": product.find(f"{W('Product')}/{W('Feature')}")}
patch = ET.parse(f"{src}/packaging/windows/wix-patch.xml").getroot()
if patch.tag != "CPackWiXPatch":
    fail("wix-patch.xml: the root is not CPackWiXPatch")
for fragment in patch.findall("CPackWiXFragment"):
    target = targets.get(fragment.get("Id"))
    if target is None:
        fail(f"wix-patch.xml: unexpected fragment {fragment.get('Id')}")
    for child in fragment:
        child.tag = W(child.tag)  # CPack copies the patch's children into the WiX namespace
        target.append(child)
secure = [e for e in product.iter(W("Property")) if e.get("Id") == "INSTALLDESKTOPSHORTCUT"]
if len(secure) != 1 or secure[0].get("Secure") != "yes" or secure[0].get("Value") != "1":
    fail("INSTALLDESKTOPSHORTCUT is not a secure property defaulting to 1")
del secure[0].attrib["Secure"]  # wixl does not know the attribute

shortcut = ET.parse(f"{src}/packaging/windows/desktop-shortcut.wxs")
component = [c for c in shortcut.iter(W("Component")) if c.get("Id") == "VigilDesktopShortcut"]
if len(component) != 1:
    fail("desktop-shortcut.wxs has no VigilDesktopShortcut component")
condition = component[0].find(W("Condition"))
if condition is None or condition.text.strip() != 'INSTALLDESKTOPSHORTCUT = "1"':
    fail("the desktop shortcut's component is not conditioned on INSTALLDESKTOPSHORTCUT")
component[0].remove(condition)  # wixl does not know component conditions
ET.ElementTree(product).write(f"{tmp}/product.wxs", xml_declaration=True, encoding="utf-8")
shortcut.write(f"{tmp}/desktop-shortcut.wxs", xml_declaration=True, encoding="utf-8")
r = subprocess.run(["wixl", "-a", "x64", "-o", "lint.msi", "product.wxs", "desktop-shortcut.wxs"],
                   cwd=tmp, capture_output=True, text=True)
if r.returncode != 0:
    fail("wixl: " + r.stderr)

def table(name):
    out = subprocess.run(["msiinfo", "export", f"{tmp}/lint.msi", name], capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()[3:]]
shortcuts = table("Shortcut")
if not any(row[1] == "DesktopFolder" and row[4] == "[INSTALL_ROOT]bin\\vigil.exe" for row in shortcuts):
    fail(f"no desktop shortcut to bin\\vigil.exe in the MSI: {shortcuts}")
if ["ProductFeature", "VigilDesktopShortcut"] not in table("FeatureComponents"):
    fail("the desktop shortcut's component is not in ProductFeature")
if ["INSTALLDESKTOPSHORTCUT", "1"] not in table("Property"):
    fail("no INSTALLDESKTOPSHORTCUT property in the MSI")
ok("wixl built an MSI from the patched product and desktop-shortcut.wxs: Shortcut, FeatureComponents, Property tables checked")

# ---- CI workflows
for name, runner, generator in (("windows-msi.yml", "windows", "WIX"), ("macos-dmg.yml", "macos", "DragNDrop")):
    wf = yaml.safe_load(open(f"{src}/packaging/ci/{name}"))
    jobs = wf.get("jobs") or fail(f"{name}: no jobs")
    job = next(iter(jobs.values()))
    if not str(job.get("runs-on", "")).startswith(runner):
        fail(f"{name}: runs on {job.get('runs-on')}")
    runs = " ".join(str(s.get("run", "")) for s in job["steps"])
    if f"-G {generator}" not in runs:
        fail(f"{name}: no cpack -G {generator} step")
    ok(f"{name}: {len(job['steps'])} steps on {job['runs-on']}, cpack -G {generator}")
PY
