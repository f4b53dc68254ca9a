# lit configuration for weft: FileCheck tests of the dialect, the passes, the printers and the tools.
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "weft"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.weft_obj_root, "test", "lit")
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py.in"]

llvm_config.use_default_substitutions()  # FileCheck, and not/count after a pipe
# `not` and `count` at the start of a RUN line are found on PATH, as in LLVM's own suites.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tools = [t for t in ["weft-opt", "weft-translate", "weftc", "weft-run"]
         if os.path.exists(os.path.join(config.weft_tools_dir, t))]
llvm_config.add_tool_substitutions(tools, [config.weft_tools_dir])
for t in tools:
    config.available_features.add(t)

# The C++ compiler that checks generated sources (warnings as errors).
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%weft_src", config.weft_src_root))
# numpy-based fixtures use Debian's python3 (the one on PATH may lack numpy).
config.substitutions = [s for s in config.substitutions if s[0] != "%python"]
for py in ["/usr/bin/python3", shutil.which("python3") or ""]:
    if py and os.path.exists(py):
        config.substitutions.append(("%python", py))
        break
# SPIR-V checkers for the Vulkan target's output (SPIRV-Tools and glslc are setup.sh packages).
for t in ["spirv-val", "glslc"]:
    if shutil.which(t):
        config.available_features.add(t)
if os.path.isdir("/usr/local/cuda/bin") and os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
# One feature per target of this build (target-cpu, target-spirv, ...), from weftc itself, so a
# target's tests are unsupported, not failing, where CMake left it out (WEFT_TARGET_<NAME>=OFF).
import subprocess
weftc = os.path.join(config.weft_tools_dir, "weftc")
if os.path.exists(weftc):
    listed = subprocess.run([weftc, "--list-targets"], capture_output=True, text=True).stdout
    for line in listed.splitlines():
        if line.strip():
            config.available_features.add("target-" + line.split()[0])
# One feature per kind of device present (device-vulkan: lavapipe in CI; device-cuda), from
# weft-run --device=list, for the tests that run on them.
weft_run = os.path.join(config.weft_tools_dir, "weft-run")
if os.path.exists(weft_run):
    listed = subprocess.run([weft_run, "--device=list"], capture_output=True, text=True).stdout
    for kind in ["vulkan", "cuda"]:
        if (kind + ":0:") in listed:
            config.available_features.add("device-" + kind)
