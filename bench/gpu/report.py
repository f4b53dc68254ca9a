"""report.py WEFT_TSV TORCH_TSV DEVICE: joins weft-bench-gpu's and torch_peers.py's tab-separated lines into the GPU bench table:
per case weft's median time and GB/s, its fraction of the measured copy bandwidth (a 1 GiB copy's)
and, for the data-movement cases, of a copy moving the same bytes measured in the same run, and
PyTorch's time with the ratio (PyTorch time / weft time: above 1, weft is faster), and the same
for the Triton col2im kernel where it ran."""
import sys


def read(path):
    rows = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3:
            rows[parts[0]] = (float(parts[1]), float(parts[2]))
        elif len(parts) == 2:
            rows[parts[0]] = parts[1]
    return rows


weft, torch = read(sys.argv[1]), read(sys.argv[2])
label = sys.argv[3] if len(sys.argv) > 3 else "?"
copy = torch["copy"][1]
print(f"GPU: {torch.get('device', '?')}; device-to-device copy {copy:.0f} GB/s (torch, bytes read + written)")
print(f"| case | weft ({label}) us | GB/s | % of copy | same-size copy us | % of it | PyTorch us | PyTorch / weft | "
      "Triton (bounded, best block) us | Triton / weft |")
print("|---|---|---|---|---|---|---|---|---|---|")


def peer_text(peer, us):
    return f"{peer[0]:.1f} | {peer[0] / us:.2f}x" if peer else "- | -"


for name, (us, gbs) in sorted(weft.items()):
    same = torch.get("copy:" + name)
    same_text = f"{same[0]:.1f} | {100 * same[0] / us:.0f}%" if same else "- | -"
    print(f"| {name} | {us:.1f} | {gbs:.0f} | {100 * gbs / copy:.0f}% | {same_text} | {peer_text(torch.get(name), us)} | "
          f"{peer_text(torch.get('triton:' + name), us)} |")
