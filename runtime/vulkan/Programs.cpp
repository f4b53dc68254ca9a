// Loading a program: its capability and limit checks, a light structural check of each launch's
// SPIR-V, and one compute pipeline per launch over a layout shared by all of them (docs/abi.md,
// "GPU launches": set 0, binding b = buffer b; push constants = the int64 parameter block).
#include "Internal.h"

#include "weft/Artifact.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace weft {

namespace {

constexpr uint32_t kSpirvMagic = 0x07230203;
// The SPIR-V opcodes, enumerants and builtins the check below reads.
constexpr uint32_t kOpEntryPoint = 15, kOpExecutionMode = 16, kOpCapability = 17, kOpSpecConstantComposite = 51,
                   kOpDecorate = 71;
constexpr uint32_t kExecutionModelGLCompute = 5, kExecutionModeLocalSize = 17, kExecutionModeDenormPreserve = 4459;
constexpr uint32_t kDecorationBuiltIn = 11, kDecorationSpecId = 1, kBuiltInWorkgroupSize = 25;
constexpr uint32_t kCapabilityDenormPreserve = 4464;
constexpr uint32_t kSpirvHeaderWords = 5;

// A literal string starting at word `at` of an instruction ending at word `end` (nul-terminated,
// little-endian bytes).
std::string literal(const std::vector<uint32_t> &words, size_t at, size_t end) {
  std::string out;
  for (size_t w = at; w < end; ++w)
    for (int byte = 0; byte < 4; ++byte) {
      char ch = char((words[w] >> (8 * byte)) & 0xff);
      if (!ch) return out;
      out += ch;
    }
  return out;
}

// "" or why `words` is not a compute module with entry point "main" of `group` threads. Drivers
// do not validate SPIR-V (malformed modules may crash them), so the instruction stream's framing
// is checked here; the driver still rejects what is well-framed but wrong.
std::string checkSpirv(const std::vector<uint32_t> &words, int64_t group) {
  if (words.size() < 5) return "is " + std::to_string(words.size()) + " words long, shorter than a SPIR-V header";
  if (words[0] != kSpirvMagic) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", words[0]);
    return std::string("starts with ") + hex + ", not the SPIR-V magic number 0x07230203";
  }
  bool hasMain = false, sizedBySpecConstants = false;
  uint32_t mainId = 0, workgroupSizeId = 0; // 0 is never an id
  int64_t localSize = -1;
  for (size_t i = 5; i < words.size();) {
    const uint32_t count = words[i] >> 16, op = words[i] & 0xffff;
    if (count == 0) return "has an instruction of zero words at word " + std::to_string(i);
    if (i + count > words.size())
      return "is truncated: the instruction at word " + std::to_string(i) + " needs " + std::to_string(count) +
             " words, " + std::to_string(words.size() - i) + " remain";
    if (op == kOpEntryPoint && count >= 4 && words[i + 1] == kExecutionModelGLCompute &&
        literal(words, i + 3, i + count) == "main") {
      hasMain = true;
      mainId = words[i + 2];
    } else if (op == kOpExecutionMode && count >= 6 && words[i + 2] == kExecutionModeLocalSize && hasMain &&
               words[i + 1] == mainId) {
      localSize = int64_t(words[i + 3]) * words[i + 4] * words[i + 5];
    } else if (op == kOpDecorate && count >= 4 && words[i + 2] == kDecorationBuiltIn &&
               words[i + 3] == kBuiltInWorkgroupSize) {
      workgroupSizeId = words[i + 1]; // decorations precede the definitions
    } else if (op == kOpSpecConstantComposite && count >= 3 && words[i + 2] == workgroupSizeId) {
      sizedBySpecConstants = true; // local_size_*_id: the real size is only known at pipeline creation
    }
    i += count;
  }
  if (!hasMain) return "has no GLCompute entry point named \"main\"";
  if (localSize >= 0 && !sizedBySpecConstants && localSize != group)
    return "declares workgroups of " + std::to_string(localSize) +
           " threads, the launch says group=" + std::to_string(group);
  return "";
}

// Calls f(at, count, op) for each instruction of `words` after the header, in order, stopping at
// the first that is not framed right (the modules given here have passed checkSpirv).
template <typename F> void forEachInstruction(const std::vector<uint32_t> &words, F f) {
  for (size_t i = kSpirvHeaderWords; i < words.size();) {
    const uint32_t count = words[i] >> 16;
    if (count == 0 || i + count > words.size()) return;
    f(i, count, words[i] & 0xffff);
    i += count;
  }
}

} // namespace

namespace vk {

bool readsF16SubnormalsConstant(const std::vector<uint32_t> &spirv) {
  bool reads = false;
  forEachInstruction(spirv, [&](size_t i, uint32_t count, uint32_t op) {
    reads = reads || (op == kOpDecorate && count >= 4 && spirv[i + 2] == kDecorationSpecId &&
                      spirv[i + 3] == kF16SubnormalsPreservedId);
  });
  return reads;
}

std::vector<uint32_t> withF16SubnormalsPreserved(const std::vector<uint32_t> &spirv) {
  // The capability goes first in the capabilities' section, each execution mode right after the
  // entry points (the sections' order is the module's layout rule).
  std::vector<uint32_t> out(spirv.begin(), spirv.begin() + std::min(spirv.size(), size_t(kSpirvHeaderWords)));
  out.insert(out.end(), {2u << 16 | kOpCapability, kCapabilityDenormPreserve});
  std::vector<uint32_t> entries;
  forEachInstruction(spirv, [&](size_t i, uint32_t count, uint32_t op) {
    if (op == kOpEntryPoint && count >= 3) {
      entries.push_back(spirv[i + 2]);
    } else {
      for (uint32_t id : entries)
        out.insert(out.end(), {4u << 16 | kOpExecutionMode, id, kExecutionModeDenormPreserve, 16});
      entries.clear();
    }
    out.insert(out.end(), spirv.begin() + i, spirv.begin() + i + count);
  });
  return out;
}

} // namespace vk

namespace {

std::string joined(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

} // namespace

vk::Pipelines::~Pipelines() {
  Core &c = *core;
  for (VkPipeline p : pipelines) c.fn.vkDestroyPipeline(c.device, p, nullptr);
  if (layout) c.fn.vkDestroyPipelineLayout(c.device, layout, nullptr);
  if (setLayout) c.fn.vkDestroyDescriptorSetLayout(c.device, setLayout, nullptr);
}

Result<VulkanProgram> VulkanDevice::load(const ProgramDesc &program,
                                         std::vector<std::vector<uint32_t>> spirvPerLaunch) {
  const VulkanCaps &caps = core->caps;
  auto fail = [&](const std::string &why) {
    return Status::error("weft." + program.op + " on vulkan device '" + caps.deviceName + "': " + why);
  };
  if (std::string m = caps.missing(program.requires); !m.empty())
    return fail("the program requires " + joined(program.requires) + ": " + m);
  if (program.launches.empty()) return fail("the program has no launch");
  if (spirvPerLaunch.size() != program.launches.size())
    return fail(std::to_string(spirvPerLaunch.size()) + " SPIR-V modules for " +
                std::to_string(program.launches.size()) + " launches");
  // The parameter block's leading slots, as many as the device's push constants hold: the
  // compiler's kernels read only slots below Vulkan's guaranteed 128 bytes (16 slots); a shader
  // declaring more fails pipeline creation below.
  const size_t pushBytes = std::min<size_t>(program.paramCount() * sizeof(int64_t),
                                            caps.maxPushConstantsSize / sizeof(int64_t) * sizeof(int64_t));
  const size_t nBuffers = program.numBuffers();
  if (nBuffers > core->maxStorageBuffersPerStage)
    return fail(std::to_string(nBuffers) + " buffers, the device binds at most " +
                std::to_string(core->maxStorageBuffersPerStage) + " storage buffers per stage");
  for (size_t i = 0; i < program.launches.size(); ++i) {
    const LaunchDesc &l = program.launches[i];
    const std::string launch = "launch " + std::to_string(i) + " '" + l.entry + "'";
    if (l.group < 1 || uint64_t(l.group) > caps.maxComputeWorkGroupInvocations)
      return fail(launch + " has group=" + std::to_string(l.group) + " (rule: 1 <= group <= " +
                  std::to_string(caps.maxComputeWorkGroupInvocations) + ", maxComputeWorkGroupInvocations)");
    if (l.items != 1 && l.items != l.group)
      return fail(launch + " has items=" + std::to_string(l.items) +
                  " (rule: items is 1 or group=" + std::to_string(l.group) + ")");
    if (std::string e = checkSpirv(spirvPerLaunch[i], l.group); !e.empty()) return fail(launch + ": the SPIR-V " + e);
  }

  vk::Core &c = *core;
  auto pipes = std::make_shared<vk::Pipelines>(); // destroys what was made if a step fails
  pipes->pushBytes = uint32_t(pushBytes);
  pipes->core = core;
  std::vector<VkDescriptorSetLayoutBinding> bindings(nBuffers);
  for (size_t b = 0; b < nBuffers; ++b)
    bindings[b] = {uint32_t(b), VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  auto setInfo = vk::make<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
  setInfo.bindingCount = uint32_t(nBuffers);
  setInfo.pBindings = bindings.data();
  if (Status s = vk::check(c.fn.vkCreateDescriptorSetLayout(c.device, &setInfo, nullptr, &pipes->setLayout),
                           "vkCreateDescriptorSetLayout");
      !s) {
    pipes->setLayout = VK_NULL_HANDLE; // a failed create leaves its output undefined
    return fail(s.message());
  }
  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, uint32_t(pushBytes)};
  auto layoutInfo = vk::make<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &pipes->setLayout;
  layoutInfo.pushConstantRangeCount = pushBytes ? 1 : 0; // a range may not be empty
  layoutInfo.pPushConstantRanges = &push;
  if (Status s = vk::check(c.fn.vkCreatePipelineLayout(c.device, &layoutInfo, nullptr, &pipes->layout),
                           "vkCreatePipelineLayout");
      !s) {
    pipes->layout = VK_NULL_HANDLE;
    return fail(s.message());
  }

  for (size_t i = 0; i < program.launches.size(); ++i) {
    const std::string launch = "launch " + std::to_string(i) + " '" + program.launches[i].entry + "'";
    // Where the device keeps 16-bit subnormals when asked, weft's f16 conversions ask and skip
    // their test for them (templates/vulkan/weft_f16.glsl).
    const bool preserveF16 = caps.shaderDenormPreserveFloat16 && vk::readsF16SubnormalsConstant(spirvPerLaunch[i]);
    std::vector<uint32_t> edited;
    if (preserveF16) edited = vk::withF16SubnormalsPreserved(spirvPerLaunch[i]);
    const std::vector<uint32_t> &code = preserveF16 ? edited : spirvPerLaunch[i];
    auto moduleInfo = vk::make<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
    moduleInfo.codeSize = code.size() * sizeof(uint32_t);
    moduleInfo.pCode = code.data();
    VkShaderModule module = VK_NULL_HANDLE;
    if (Status s =
            vk::check(c.fn.vkCreateShaderModule(c.device, &moduleInfo, nullptr, &module), "vkCreateShaderModule");
        !s)
      return fail(launch + ": " + s.message());
    auto info = vk::make<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
    info.stage = vk::make<VkPipelineShaderStageCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO);
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = module;
    info.stage.pName = "main";
    const VkBool32 preserved = VK_TRUE;
    const VkSpecializationMapEntry entry{vk::kF16SubnormalsPreservedId, 0, sizeof preserved};
    const VkSpecializationInfo specialization{1, &entry, sizeof preserved, &preserved};
    if (preserveF16) info.stage.pSpecializationInfo = &specialization;
    info.layout = pipes->layout;
    VkPipeline pipeline = VK_NULL_HANDLE;
    VkResult r = c.fn.vkCreateComputePipelines(c.device, c.pipelineCache, 1, &info, nullptr, &pipeline);
    c.fn.vkDestroyShaderModule(c.device, module, nullptr); // the pipeline keeps what it needs
    if (Status s = vk::check(r, "vkCreateComputePipelines"); !s) return fail(launch + ": " + s.message());
    pipes->pipelines.push_back(pipeline);
  }
  VulkanProgram out;
  out.desc = program;
  out.pipelines = std::move(pipes);
  return out;
}

} // namespace weft

namespace weft {

Result<std::shared_ptr<Executable>> VulkanDevice::load(const Artifact &artifact) {
  if (artifact.target != target())
    return Status::error("weft." + artifact.program.op + ": vulkan device '" + name() + "' loads artifacts of target " +
                         target() + ", not '" + artifact.target + "' (function '" + artifact.function + "')");
  Result<VulkanProgram> program = load(artifact.program, spirvModules(artifact));
  if (!program) return program.status();
  return std::shared_ptr<Executable>(std::make_shared<VulkanProgram>(std::move(*program)));
}

} // namespace weft
