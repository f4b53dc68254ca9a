// Dispatch on a Vulkan device: the checks every device makes (checkArguments), where each buffer
// lives, temporaries, one descriptor set, and one command buffer holding every launch in order
// (between the staging copies in staged memory), submitted and waited for (docs/abi.md, "GPU
// launches").
#include "Internal.h"

#include "../GpuLaunch.h"

#include <algorithm>

namespace weft {

namespace {

// Workgroups along x before the grid wraps into y: the least maxComputeWorkGroupCount[0] allows.
constexpr int64_t kMaxGroupsX = 65535;

} // namespace

vk::Queue::~Queue() {
  Core &c = *core;
  if (descriptorPool) c.fn.vkDestroyDescriptorPool(c.device, descriptorPool, nullptr);
  if (timestamps) c.fn.vkDestroyQueryPool(c.device, timestamps, nullptr);
  if (fence) c.fn.vkDestroyFence(c.device, fence, nullptr);
  if (commandPool) c.fn.vkDestroyCommandPool(c.device, commandPool, nullptr); // frees `commands`
}

Result<std::unique_ptr<vk::Queue>> vk::createQueue(std::shared_ptr<Core> core) {
  auto q = std::make_unique<Queue>();
  q->core = core;
  Core &c = *core;
  auto poolInfo = vk::make<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT; // one buffer, re-recorded each dispatch
  poolInfo.queueFamilyIndex = c.queueFamily;
  if (Status s = check(c.fn.vkCreateCommandPool(c.device, &poolInfo, nullptr, &q->commandPool), "vkCreateCommandPool");
      !s) {
    q->commandPool = VK_NULL_HANDLE;
    return s;
  }
  auto cmdInfo = vk::make<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  cmdInfo.commandPool = q->commandPool;
  cmdInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cmdInfo.commandBufferCount = 1;
  if (Status s = check(c.fn.vkAllocateCommandBuffers(c.device, &cmdInfo, &q->commands), "vkAllocateCommandBuffers"); !s)
    return s;
  auto fenceInfo = vk::make<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
  if (Status s = check(c.fn.vkCreateFence(c.device, &fenceInfo, nullptr, &q->fence), "vkCreateFence"); !s) {
    q->fence = VK_NULL_HANDLE;
    return s;
  }
  if (c.timestampValidBits) {
    auto queryInfo = vk::make<VkQueryPoolCreateInfo>(VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO);
    queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
    queryInfo.queryCount = 2; // before the first launch, after the last
    if (Status s = check(c.fn.vkCreateQueryPool(c.device, &queryInfo, nullptr, &q->timestamps), "vkCreateQueryPool");
        !s) {
      q->timestamps = VK_NULL_HANDLE;
      return s;
    }
  }
  return q;
}

Status VulkanDevice::run(const Executable &exe, const std::vector<Buffer *> &args, double *gpuMicros) {
  const ProgramDesc &program = exe.program();
  const std::string device = "vulkan device '" + name() + "'";
  auto fail = [&](const std::string &why) { return Status::error("weft." + program.op + ": " + why); };
  auto *loaded = dynamic_cast<const VulkanProgram *>(&exe);
  if (!loaded) return fail("the program was loaded on another kind of device, not " + device);
  const VulkanProgram &vp = *loaded;
  if (!vp.pipelines) return fail("the program was never loaded (VulkanDevice::load)");
  if (vp.pipelines->core != core) return fail("the program was loaded on another device, not " + device);
  if (gpuMicros && !queue->timestamps)
    return fail(device + " cannot time dispatches: its compute queue writes no timestamps");
  std::vector<vk::Binding> bindings;
  auto locate = [&](size_t i, const Buffer &buffer) -> std::string {
    Result<vk::Binding> b = vk::locate(*core, buffer, argumentName(program, i));
    if (!b) return b.message();
    bindings.push_back(*b);
    return "";
  };
  Result<gpu::CheckedDispatch> checked =
      gpu::checkDispatch(program, args, kMaxGroupsX, caps().maxComputeWorkGroupCount[1], device, locate);
  if (!checked) return checked.status();
  const std::vector<int64_t> &params = checked->params;
  const std::vector<gpu::Groups> &groups = checked->groups;

  std::lock_guard<std::mutex> lock(dispatchMutex);
  vk::Core &c = *core;
  vk::Queue &q = *queue;
  // Temporaries live in scratch allocations kept between dispatches, as on the CPU (kernels write
  // every element of a temporary before reading it).
  auto temps = scratch->take(program, checked->tempShapes, [&](size_t bytes) { return allocate(DType::i8, {int64_t(bytes)}); });
  if (!temps) return temps.status();
  for (size_t t = 0; t < temps->size(); ++t) {
    Result<vk::Binding> b = vk::locate(c, *(*temps)[t], "temporary '" + program.temps[t].name + "'");
    if (!b) return fail(b.message());
    bindings.push_back(*b);
  }

  // One descriptor set per dispatch, from a pool reset each time and grown when a program binds more.
  const uint32_t nBindings = uint32_t(bindings.size());
  if (q.descriptorCapacity < nBindings) {
    if (q.descriptorPool) c.fn.vkDestroyDescriptorPool(c.device, q.descriptorPool, nullptr);
    q.descriptorPool = VK_NULL_HANDLE;
    q.descriptorCapacity = 0;
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, std::max(nBindings, 16u)};
    auto info = vk::make<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
    info.maxSets = 1;
    info.poolSizeCount = 1;
    info.pPoolSizes = &size;
    if (Status s = vk::check(c.fn.vkCreateDescriptorPool(c.device, &info, nullptr, &q.descriptorPool),
                             "vkCreateDescriptorPool");
        !s) {
      q.descriptorPool = VK_NULL_HANDLE;
      return fail(s.message());
    }
    q.descriptorCapacity = size.descriptorCount;
  } else if (Status s = vk::check(c.fn.vkResetDescriptorPool(c.device, q.descriptorPool, 0), "vkResetDescriptorPool");
             !s) {
    return fail(s.message());
  }
  auto setInfo = vk::make<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
  setInfo.descriptorPool = q.descriptorPool;
  setInfo.descriptorSetCount = 1;
  setInfo.pSetLayouts = &vp.pipelines->setLayout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  if (Status s = vk::check(c.fn.vkAllocateDescriptorSets(c.device, &setInfo, &set), "vkAllocateDescriptorSets"); !s)
    return fail(s.message());
  std::vector<VkDescriptorBufferInfo> infos;
  for (const vk::Binding &b : bindings) infos.push_back({b.buffer, b.offset, b.range});
  std::vector<VkWriteDescriptorSet> writes(nBindings,
                                           vk::make<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET));
  for (uint32_t b = 0; b < nBindings; ++b) {
    writes[b].dstSet = set;
    writes[b].dstBinding = b;
    writes[b].descriptorCount = 1;
    writes[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[b].pBufferInfo = &infos[b];
  }
  c.fn.vkUpdateDescriptorSets(c.device, nBindings, writes.data(), 0, nullptr);

  // Record every launch; a barrier orders each after the one before (a later launch reads what an
  // earlier one wrote, e.g. a composite's temporary), and a last one makes results visible to the host.
  VkCommandBuffer cmd = q.commands;
  if (Status s = vk::check(c.fn.vkResetCommandBuffer(cmd, 0), "vkResetCommandBuffer"); !s) return fail(s.message());
  auto begin = vk::make<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  if (Status s = vk::check(c.fn.vkBeginCommandBuffer(cmd, &begin), "vkBeginCommandBuffer"); !s)
    return fail(s.message());
  // Staged memory: every argument's bytes go from its staging copy to the device-local buffer
  // before the launches (an output too, so that what a kernel leaves unwritten keeps the host's
  // bytes, as in mappable memory), and the outputs' back after them. Temporaries stay on the
  // device.
  const size_t nArgs = args.size(), nInputs = program.inputs.size();
  auto copies = [&](bool in) {
    bool any = false;
    for (size_t i = in ? 0 : nInputs; i < nArgs; ++i) {
      const vk::Binding &b = bindings[i];
      if (!b.staging) continue;
      const VkBufferCopy region{b.offset, b.offset, b.bytes};
      c.fn.vkCmdCopyBuffer(cmd, in ? b.staging : b.buffer, in ? b.buffer : b.staging, 1, &region);
      any = true;
    }
    return any;
  };
  auto barrier = [&](VkPipelineStageFlags from, VkAccessFlags fromAccess, VkPipelineStageFlags to,
                     VkAccessFlags toAccess) {
    auto m = vk::make<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
    m.srcAccessMask = fromAccess;
    m.dstAccessMask = toAccess;
    c.fn.vkCmdPipelineBarrier(cmd, from, to, 0, 1, &m, 0, nullptr, 0, nullptr);
  };
  if (copies(true))
    barrier(VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  if (gpuMicros) {
    // The launches alone: the first timestamp waits for the copies in (a top-of-pipe one would not).
    c.fn.vkCmdResetQueryPool(cmd, q.timestamps, 0, 2);
    c.fn.vkCmdWriteTimestamp(cmd, c.staged ? VK_PIPELINE_STAGE_TRANSFER_BIT : VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                             q.timestamps, 0);
  }
  auto between = vk::make<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  between.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  between.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  const uint32_t pushBytes = vp.pipelines->pushBytes;
  bool recorded = false;
  for (size_t i = 0; i < program.launches.size(); ++i) {
    if (!groups[i].x) continue; // an empty grid: nothing to run
    if (recorded)
      c.fn.vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1,
                                &between, 0, nullptr, 0, nullptr);
    c.fn.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, vp.pipelines->pipelines[i]);
    c.fn.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, vp.pipelines->layout, 0, 1, &set, 0, nullptr);
    if (pushBytes)
      c.fn.vkCmdPushConstants(cmd, vp.pipelines->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes, params.data());
    c.fn.vkCmdDispatch(cmd, groups[i].x, groups[i].y, 1);
    recorded = true;
  }
  if (c.staged) {
    if (gpuMicros) c.fn.vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, q.timestamps, 1);
    barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_TRANSFER_READ_BIT);
    if (copies(false))
      barrier(VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
              VK_ACCESS_HOST_READ_BIT);
  } else {
    barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
            VK_ACCESS_HOST_READ_BIT);
    if (gpuMicros) c.fn.vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, q.timestamps, 1);
  }
  if (Status s = vk::check(c.fn.vkEndCommandBuffer(cmd), "vkEndCommandBuffer"); !s) return fail(s.message());

  if (Status s = vk::check(c.fn.vkResetFences(c.device, 1, &q.fence), "vkResetFences"); !s) return fail(s.message());
  auto submit = vk::make<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  if (Status s = vk::check(c.fn.vkQueueSubmit(c.queue, 1, &submit, q.fence), "vkQueueSubmit"); !s)
    return fail(s.message());
  if (Status s = vk::check(c.fn.vkWaitForFences(c.device, 1, &q.fence, VK_TRUE, UINT64_MAX), "vkWaitForFences"); !s)
    return fail(s.message());

  if (gpuMicros) {
    uint64_t ticks[2] = {0, 0};
    if (Status s =
            vk::check(c.fn.vkGetQueryPoolResults(c.device, q.timestamps, 0, 2, sizeof ticks, ticks, sizeof(uint64_t),
                                                 VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
                      "vkGetQueryPoolResults");
        !s)
      return fail(s.message());
    // Only the low timestampValidBits bits count; the difference wraps within them.
    const uint64_t mask = c.timestampValidBits >= 64 ? ~uint64_t(0) : (uint64_t(1) << c.timestampValidBits) - 1;
    *gpuMicros = double((ticks[1] - ticks[0]) & mask) * caps().timestampPeriod / 1000.0;
  }
  return Status();
}

} // namespace weft
