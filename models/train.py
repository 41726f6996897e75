#!/usr/bin/python3
"""Trains one of the example Fashion-MNIST models and exports it to ONNX.

    .venv/bin/python3 models/train.py --model {mlp,resnet,mobilenetv2,vit} \
        [--epochs N] [--out models/NAME.onnx]

Needs PyTorch (Debian's python3-torch 1.13: `scripts/setup.sh --train`, as
root), the onnx package (Debian's python3-onnx) and onnxruntime (in .venv).
.venv/bin/python3 sees the system site packages, so it has all three.

Data: Debian's dataset-fashion-mnist, read through scripts/fashion_mnist.py.
The model trains on the 60000 training images and is evaluated on the
"eval" split: test images 1000..9999 (the first 1000 are the calibration
split and are not used here).

Input convention: x = float32(uint8 image) / 255, shape N x 1 x 28 x 28,
no mean/std normalisation. Output: logits N x 10 (no softmax).

Export: ONNX opset 17 (LayerNormalization is one node; GELU comes out as its
Erf form), input "input" [N,1,28,28], output "logits" [N,10], dynamic N.
BatchNormalization stays as its own inference-form node: the model is put in
eval() and exported with training=TrainingMode.PRESERVE, which skips the
exporter's eval-mode Conv+BN fusion (see models/README.md). The script fails
if the exported graph does not have one BatchNormalization node per
BatchNorm2d module, checks the model with onnx.checker, runs it with
onnxruntime on the eval split and fails unless its top-1 accuracy equals the
torch model's.

Everything is seeded (--seed, default 0) and uses torch.set_num_threads(2).
"""

import argparse
import collections
import json
import math
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OPSET = 17


def die(msg):
    print(f"train.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


# The machine is shared: with OpenMP's default (spinning) wait policy, two
# torch threads slow down several times when other processes use the cores.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:
    die(f"numpy or PyTorch is missing from {sys.executable}: run `scripts/setup.sh "
        "--train` as root (installs Debian's python3-torch), then use "
        ".venv/bin/python3")
try:
    import onnx
    import onnxruntime as ort
except ImportError as e:
    # Debian's /usr/bin/python3 has no onnxruntime; .venv has it and sees the
    # system site packages (torch, onnx), so run again under .venv's python.
    venv_python = os.path.join(REPO, ".venv", "bin", "python3")
    if os.path.isfile(venv_python) and \
            os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(REPO, ".venv")):
        print(f"train.py: {e.name} is missing from {sys.executable}; "
              f"running under {venv_python}", file=sys.stderr, flush=True)
        os.execv(venv_python, [venv_python, os.path.abspath(__file__)] + sys.argv[1:])
    die(f"{e.name} is missing from {sys.executable}: run with "
        ".venv/bin/python3 (scripts/setup.sh creates .venv with onnxruntime)")

sys.path.insert(0, os.path.join(REPO, "scripts"))
import fashion_mnist  # noqa: E402  (scripts/fashion_mnist.py)


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(784, 256), nn.ReLU(),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, 0, bias=False),
                nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.shortcut is None else self.shortcut(x)
        return F.relu(y + s)


class ResNet(nn.Module):
    """3x3 stem, three stages of BasicBlocks (16/32/64, strides 1/2/2)."""

    def __init__(self, widths=(16, 32, 64), blocks=(1, 1, 1), strides=(1, 2, 2)):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(1, widths[0], 3, 1, 1, bias=False),
            nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers, cin = [], widths[0]
        for w, n, s in zip(widths, blocks, strides):
            for i in range(n):
                layers.append(BasicBlock(cin, w, s if i == 0 else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(cin, 10)

    def forward(self, x):
        return self.fc(self.flatten(self.pool(self.layers(self.stem(x)))))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_residual = stride == 1 and cin == cout
        self.block = nn.Sequential(
            nn.Conv2d(cin, hidden, 1, bias=False),                 # expand
            nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden,  # depthwise
                      bias=False),
            nn.BatchNorm2d(hidden), nn.ReLU6(),
            nn.Conv2d(hidden, cout, 1, bias=False),                # project
            nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.block(x)
        return x + y if self.use_residual else y


class MobileNetV2(nn.Module):
    # (expand ratio, out channels, stride)
    BLOCKS = [(4, 16, 1), (4, 24, 2), (4, 24, 1), (4, 32, 2), (4, 32, 1),
              (4, 64, 1)]

    def __init__(self, stem=16, last=256):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(1, stem, 3, 1, 1, bias=False),
            nn.BatchNorm2d(stem), nn.ReLU6())
        layers, cin = [], stem
        for t, c, s in self.BLOCKS:
            layers.append(InvertedResidual(cin, c, s, t))
            cin = c
        self.blocks = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Conv2d(cin, last, 1, bias=False),
            nn.BatchNorm2d(last), nn.ReLU6(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(last, 10)

    def forward(self, x):
        return self.fc(self.head(self.blocks(self.stem(x))))


class Attention(nn.Module):
    """Multi-head self-attention with explicit Linear/MatMul/Softmax.

    All reshapes use Python-int shapes with -1 for the batch dim, so the
    export has constant Reshape shapes and no Shape/Gather chains."""

    def __init__(self, dim, heads, tokens):
        super().__init__()
        self.heads, self.hd, self.tokens, self.dim = heads, dim // heads, tokens, dim
        self.scale = 1.0 / math.sqrt(self.hd)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)

    def split(self, x):  # [B,T,D] -> [B,H,T,hd]
        return x.reshape(-1, self.tokens, self.heads, self.hd).transpose(1, 2)

    def forward(self, x):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        a = torch.softmax(torch.matmul(q, k.transpose(2, 3)) * self.scale, dim=-1)
        y = torch.matmul(a, v).transpose(1, 2).reshape(-1, self.tokens, self.dim)
        return self.proj(y)


class EncoderLayer(nn.Module):
    def __init__(self, dim, heads, tokens, mlp):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, tokens)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, mlp)
        self.fc2 = nn.Linear(mlp, dim)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class ViT(nn.Module):
    """7x7 patches (16 tokens) + class token, pre-norm encoder, head on cls."""

    def __init__(self, dim=64, depth=2, heads=4, mlp=128, patch=7):
        super().__init__()
        self.dim, self.patches = dim, (28 // patch) ** 2
        self.patch = nn.Conv2d(1, dim, patch, patch)
        self.pos = nn.Parameter(torch.zeros(1, self.patches + 1, dim))
        nn.init.trunc_normal_(self.pos, std=0.02)
        self.layers = nn.Sequential(*[
            EncoderLayer(dim, heads, self.patches + 1, mlp) for _ in range(depth)])
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        x = self.patch(x).reshape(-1, self.dim, self.patches).transpose(1, 2)
        # Class token = mean of the patch tokens + pos[0], a learned vector
        # (the usual learned cls embedding, merged with its position
        # embedding). Concatenating a constant learned token would need
        # cls.expand(batch), which exports as a Shape/Gather/ConstantOfShape/
        # Where/Expand chain; this form exports as ReduceMean, Concat, Add.
        x = torch.cat([x.mean(dim=1, keepdim=True), x], dim=1) + self.pos
        x = self.ln(self.layers(x))
        return self.head(x[:, 0])


# Default epochs, batch size, peak learning rate (AdamW, one-cycle), weight
# decay, augmentation (random flip + shift by up to 2 pixels), and whether to
# train in channels_last memory format (faster convolutions with oneDNN; the
# model is converted back to contiguous before export).
CONFIGS = {
    "mlp": dict(make=MLP, epochs=10, batch=128, lr=2e-3, wd=1e-4, aug=False,
                channels_last=False),
    "resnet": dict(make=ResNet, epochs=8, batch=128, lr=4e-3, wd=1e-4, aug=True,
                   channels_last=True),
    "mobilenetv2": dict(make=MobileNetV2, epochs=6, batch=128, lr=4e-3, wd=1e-4,
                        aug=True, channels_last=True),
    "vit": dict(make=ViT, epochs=6, batch=128, lr=2e-3, wd=5e-2, aug=False,
                channels_last=False),
}


# --------------------------------------------------------------------------
# Training and evaluation
# --------------------------------------------------------------------------

def to_float(images_u8, channels_last=False):
    x = images_u8.float().div_(255.0)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def augment(x, gen):
    """Random horizontal flip and random translation by up to 2 pixels."""
    b = x.shape[0]
    flip = torch.rand(b, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    p = F.pad(x, (2, 2, 2, 2))
    oy = torch.randint(0, 5, (b,), generator=gen)
    ox = torch.randint(0, 5, (b,), generator=gen)
    ar = torch.arange(28)
    rows = (oy[:, None] + ar)[:, None, :, None].expand(b, 1, 28, 32)
    p = torch.gather(p, 2, rows)
    cols = (ox[:, None] + ar)[:, None, None, :].expand(b, 1, 28, 28)
    return torch.gather(p, 3, cols)


@torch.no_grad()
def predict_torch(model, images_u8, batch=1000, channels_last=False):
    model.eval()
    out = [model(to_float(images_u8[i:i + batch], channels_last)).argmax(1)
           for i in range(0, len(images_u8), batch)]
    return torch.cat(out).numpy()


def train(model, cfg, epochs, train_x, train_y, eval_x, eval_y, seed, max_steps):
    gen = torch.Generator().manual_seed(seed)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 or name == "pos" else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["wd"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=cfg["lr"])
    n, bs = len(train_x), cfg["batch"]
    steps_per_epoch = n // bs  # drop the last partial batch
    total = epochs * steps_per_epoch
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=cfg["lr"], total_steps=total, pct_start=0.25)
    step = 0
    for epoch in range(epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(n, generator=gen)
        loss_sum, correct = 0.0, 0
        for i in range(steps_per_epoch):
            idx = perm[i * bs:(i + 1) * bs]
            x, y = to_float(train_x[idx]), train_y[idx]
            if cfg["aug"]:
                x = augment(x, gen)
            if cfg["channels_last"]:
                x = x.contiguous(memory_format=torch.channels_last)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item()
            correct += (logits.argmax(1) == y).sum().item()
            step += 1
            if max_steps and step >= max_steps:
                break
        seen = (i + 1) * bs
        acc = (predict_torch(model, eval_x, channels_last=cfg["channels_last"])
               == eval_y.numpy()).mean()
        print(f"epoch {epoch + 1}/{epochs}: loss {loss_sum / (i + 1):.4f} "
              f"train acc {correct / seen:.4f} eval acc {acc:.4f} "
              f"({time.time() - t0:.1f} s)", file=sys.stderr, flush=True)
        if max_steps and step >= max_steps:
            break


# --------------------------------------------------------------------------
# Export and checks
# --------------------------------------------------------------------------

def export(model, path):
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    with warnings.catch_warnings():
        # Emitted for every PRESERVE export, but it concerns models in train()
        # mode; ours is in eval(), and the result is checked against torch.
        warnings.filterwarnings(
            "ignore", message="It is recommended that constant folding be turned off")
        torch.onnx.export(
            model, dummy, path,
            opset_version=OPSET,
            input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
            # With eval() and PRESERVE the graph is the inference graph, and
            # BatchNormalization stays a node (training_mode=0): the exporter
            # fuses Conv+BN only for TrainingMode.EVAL (the default). Constant
            # folding stays on: it folds the weight transposes of MatMul.
            training=torch.onnx.TrainingMode.PRESERVE,
            do_constant_folding=True)
    inline_identity_initializers(path)


def inline_identity_initializers(path):
    """Replaces Identity(initializer) nodes by a copy of the initializer.

    The exporter deduplicates initializers with equal values and reads the
    duplicates through Identity nodes. In a ResNet block with a projection,
    the biases of the two BatchNorms feeding the residual Add receive equal
    gradients and so stay equal; this keeps one initializer per parameter."""
    m = onnx.load(path)
    inits = {t.name: t for t in m.graph.initializer}
    keep = []
    for n in m.graph.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            t = onnx.TensorProto()
            t.CopyFrom(inits[n.input[0]])
            t.name = n.output[0]
            m.graph.initializer.append(t)
        else:
            keep.append(n)
    if len(keep) != len(m.graph.node):
        del m.graph.node[:]
        m.graph.node.extend(keep)
        onnx.save(m, path)


def op_counts(onnx_model):
    return collections.Counter(n.op_type for n in onnx_model.graph.node)


def check_onnx(model, path):
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    counts = op_counts(m)
    want_bn = sum(isinstance(x, nn.BatchNorm2d) for x in model.modules())
    if counts.get("BatchNormalization", 0) != want_bn:
        die(f"{path}: {counts.get('BatchNormalization', 0)} BatchNormalization "
            f"nodes, but the model has {want_bn} BatchNorm2d modules "
            "(the exporter folded BN into Conv)")
    for n in m.graph.node:
        if n.op_type == "BatchNormalization":
            for a in n.attribute:
                if a.name == "training_mode" and a.i != 0:
                    die(f"{path}: BatchNormalization {n.name} in training mode")
    inp, out = m.graph.input[0], m.graph.output[0]
    if [i.name for i in m.graph.input] != ["input"] or \
            [o.name for o in m.graph.output] != ["logits"]:
        die(f"{path}: unexpected graph inputs/outputs")
    dims = [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim]
    odims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
    if dims != ["N", 1, 28, 28] or odims != ["N", 10]:
        die(f"{path}: input shape {dims}, output shape {odims}")
    opset = {o.domain: o.version for o in m.opset_import}
    if opset.get("", opset.get("ai.onnx")) != OPSET:
        die(f"{path}: opset {opset}")
    return counts


def predict_ort(path, images_u8, batch=1000):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    out = []
    for i in range(0, len(images_u8), batch):
        x = images_u8[i:i + batch].astype(np.float32) / np.float32(255.0)
        out.append(sess.run(["logits"], {"input": x})[0])
    return np.concatenate(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, choices=sorted(CONFIGS))
    ap.add_argument("--epochs", type=int, help="default: per model (see CONFIGS)")
    ap.add_argument("--out", help="default: models/MODEL.onnx")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--src", default=fashion_mnist.DEFAULT_SRC,
                    help="Fashion-MNIST IDX directory (default: %(default)s)")
    ap.add_argument("--max-steps", type=int, default=0,
                    help="stop after this many steps (smoke tests only)")
    ap.add_argument("--summary", help="also write a JSON summary here")
    args = ap.parse_args()

    cfg = CONFIGS[args.model]
    epochs = args.epochs or cfg["epochs"]
    out = args.out or os.path.join(HERE, args.model + ".onnx")

    for k in ("train_images", "train_labels", "test_images", "test_labels"):
        if not os.path.isfile(os.path.join(args.src, fashion_mnist.FILES[k])):
            die(f"Fashion-MNIST not found in {args.src}: "
                "install dataset-fashion-mnist (scripts/setup.sh)")

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    tr_x, tr_y = fashion_mnist.load(args.src, "train")
    te_x, te_y = fashion_mnist.load(args.src, "test")
    ev_x, ev_y = te_x[fashion_mnist.NUM_CALIB:], te_y[fashion_mnist.NUM_CALIB:]
    train_x, train_y = torch.from_numpy(tr_x), torch.from_numpy(tr_y)
    eval_x, eval_y = torch.from_numpy(ev_x), torch.from_numpy(ev_y)

    model = cfg["make"]()
    params = sum(p.numel() for p in model.parameters())
    print(f"{args.model}: {params} parameters, {epochs} epochs, "
          f"{len(tr_x)} training images", file=sys.stderr, flush=True)
    t0 = time.time()
    train(model, cfg, epochs, train_x, train_y, eval_x, eval_y, args.seed,
          args.max_steps)
    train_time = time.time() - t0

    model.eval()
    model.to(memory_format=torch.contiguous_format)
    torch_pred = predict_torch(model, eval_x)
    torch_acc = float((torch_pred == ev_y).mean())

    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    export(model, out)
    counts = check_onnx(model, out)

    with torch.no_grad():
        torch_logits = model(to_float(eval_x[:1000])).numpy()
    ort_logits = predict_ort(out, ev_x)
    ort_pred = ort_logits.argmax(1)
    ort_acc = float((ort_pred == ev_y).mean())
    max_diff = float(np.abs(ort_logits[:1000] - torch_logits).max())
    disagree = int((ort_pred != torch_pred).sum())
    size = os.path.getsize(out)

    summary = dict(model=args.model, params=params, epochs=epochs,
                   train_seconds=round(train_time, 1), onnx_bytes=size,
                   torch_acc=torch_acc, ort_acc=ort_acc,
                   prediction_disagreements=disagree,
                   max_abs_logit_diff=max_diff, op_counts=dict(sorted(counts.items())))
    print(f"wrote {out}: {size} bytes", file=sys.stderr)
    print(f"ops: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"{args.model}: params {params}, size {size} B, epochs {epochs}, "
          f"train time {train_time:.0f} s")
    print(f"{args.model}: eval top-1 (9000 images): torch {torch_acc:.4f}, "
          f"onnxruntime {ort_acc:.4f} ({disagree} differing predictions, "
          f"max |logit diff| {max_diff:.2e})")
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(summary, f, indent=1)
    if ort_acc != torch_acc:
        die(f"onnxruntime accuracy {ort_acc:.4f} != torch accuracy {torch_acc:.4f}")


if __name__ == "__main__":
    main()
