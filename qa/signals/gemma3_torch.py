"""Gemma 3's text decoder in plain torch, for scoring: the hidden states of a padded batch.

Why not transformers: importing its Gemma 3 module and building the model through
`from_pretrained` costs ~4 s of a ~7.7 s warm start (sympy, generation utilities, ...), while
the forward pass is ~60 lines. This module reads the same folder transformers writes
(`config.json` + `model.safetensors`, memory-mapped) and repeats transformers' operations in
the same order and dtypes (norms in float32, rotary tables cast to the weights' dtype, the
bf16-rounded embedding scale), so scores agree with its forward to float rounding; a test
checks both on a tiny random Gemma 3. Anything this module does not implement (another
architecture, attention soft-capping, scaled RoPE) is refused by `supports`, and the caller
loads the model through transformers instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from qa.signals import heap

WEIGHTS = "model.safetensors"


def supports(folder: Path) -> bool:
    """True when `folder` holds a single-file Gemma 3 text model this module can run."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    ropes = config.get("rope_parameters") or {}
    return (
        config.get("model_type") == "gemma3_text"
        and (folder / WEIGHTS).is_file()
        and not config.get("attn_logit_softcapping")
        and not config.get("use_bidirectional_attention")
        and not config.get("attention_bias")
        and config.get("hidden_activation") == "gelu_pytorch_tanh"
        and config.get("tie_word_embeddings", True)
        and set(config.get("layer_types", ())) <= set(ropes)
        and all(r.get("rope_type", "default") == "default" for r in ropes.values())
    )


@dataclass(frozen=True)
class Config:
    layers: list[str]  # "sliding_attention" or "full_attention", one per layer
    heads: int
    kv_heads: int
    head_dim: int
    eps: float
    window: int
    scaling: float
    rope_theta: dict[str, float]
    embed_scale: float
    final_logit_softcapping: float | None

    @classmethod
    def read(cls, folder: Path) -> Config:
        c = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        return cls(
            layers=c["layer_types"][: c["num_hidden_layers"]],
            heads=c["num_attention_heads"],
            kv_heads=c["num_key_value_heads"],
            head_dim=c["head_dim"],
            eps=c["rms_norm_eps"],
            window=c["sliding_window"],
            scaling=c["query_pre_attn_scalar"] ** -0.5,
            rope_theta={k: v["rope_theta"] for k, v in c["rope_parameters"].items()},
            embed_scale=c["hidden_size"] ** 0.5,
            final_logit_softcapping=c.get("final_logit_softcapping"),
        )


class Gemma3:
    """The decoder's weights and its forward. `states` gives the final-norm hidden states,
    `head_weight` the (tied) output layer."""

    def __init__(self, folder: Path, dtype: torch.dtype) -> None:
        from safetensors.torch import load_file

        self.config = Config.read(folder)
        self.weights = folder / WEIGHTS
        w = load_file(str(folder / WEIGHTS))  # memory-mapped; cast only where dtypes differ
        self.w = {k.removeprefix("model."): v.to(dtype) for k, v in w.items()}
        self.head_bias = None
        self.softcap = self.config.final_logit_softcapping
        self.dtype = dtype

    @property
    def head_weight(self) -> torch.Tensor:
        return self.w["embed_tokens.weight"]  # tied to the embedding

    def to(self, device: str) -> Gemma3:
        self.w = {k: v.to(device) for k, v in self.w.items()}
        return self

    def release(self) -> int:
        """Hand back the resident pages of the weights still mapped from the file (on the
        CPU, in the file's dtype); they are read again at the next pass. Bytes handed back."""
        spans = [
            (v.untyped_storage().data_ptr(), v.untyped_storage().nbytes())
            for v in self.w.values()
            if v.device.type == "cpu"
        ]
        return heap.release_mapped(spans, self.weights)

    def states(
        self, ids: torch.Tensor, mask: torch.Tensor, tap: int | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Final-norm hidden states (batch, length, d) for right-padded `ids` (`mask` 1 on
        real tokens), and from the same pass the residual stream after the first `tap`
        layers (the final states again when `tap` is None)."""
        c, w = self.config, self.w
        scale = torch.tensor(c.embed_scale).to(self.dtype)  # sqrt(640) rounds to 25.25 in bf16
        x = F.embedding(ids, w["embed_tokens.weight"]) * scale.to(ids.device)
        pos = torch.arange(ids.shape[1], device=ids.device)
        masks = _masks(mask.bool(), pos, c.window)
        ropes = {kind: _rope(pos, t, c.head_dim, self.dtype) for kind, t in c.rope_theta.items()}
        tapped = None
        for i, kind in enumerate(c.layers):
            x = self._layer(x, f"layers.{i}.", masks[kind], ropes[kind])
            tapped = x if i + 1 == tap else tapped
        final = _rms(x, w["norm.weight"], c.eps)
        return final, final if tapped is None else tapped

    def _layer(
        self, x: torch.Tensor, p: str, mask: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        c, w = self.config, self.w
        h = _rms(x, w[p + "input_layernorm.weight"], c.eps)
        h = self._attention(h, p + "self_attn.", mask, rope)
        x = x + _rms(h, w[p + "post_attention_layernorm.weight"], c.eps)
        h = _rms(x, w[p + "pre_feedforward_layernorm.weight"], c.eps)
        gate = F.gelu(F.linear(h, w[p + "mlp.gate_proj.weight"]), approximate="tanh")
        h = F.linear(gate * F.linear(h, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
        return x + _rms(h, w[p + "post_feedforward_layernorm.weight"], c.eps)

    def _attention(
        self, x: torch.Tensor, p: str, mask: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor]
    ) -> torch.Tensor:
        c, w = self.config, self.w
        b, n, _ = x.shape

        def heads(name: str) -> torch.Tensor:
            return F.linear(x, w[p + name + ".weight"]).view(b, n, -1, c.head_dim).transpose(1, 2)

        q = _rotate(_rms(heads("q_proj"), w[p + "q_norm.weight"], c.eps), *rope)
        k = _rotate(_rms(heads("k_proj"), w[p + "k_norm.weight"], c.eps), *rope)
        group = c.heads // c.kv_heads
        k, v = _repeat_kv(k, group), _repeat_kv(heads("v_proj"), group)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=c.scaling)
        return F.linear(out.transpose(1, 2).reshape(b, n, -1), w[p + "o_proj.weight"])


def _repeat_kv(x: torch.Tensor, group: int) -> torch.Tensor:
    """Each key/value head repeated for the `group` query heads that share it, as
    transformers' sdpa path does when a mask is given."""
    if group == 1:
        return x
    b, kv, n, d = x.shape
    return x[:, :, None].expand(b, kv, group, n, d).reshape(b, kv * group, n, d)


def _rms(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """Gemma's RMSNorm: in float32, scaled by (1 + weight), cast back."""
    y = x.float()
    y = y * torch.rsqrt(y.pow(2).mean(-1, keepdim=True) + eps)
    return (y * (1.0 + weight.float())).type_as(x)


def _rope(
    pos: torch.Tensor, theta: float, dim: int, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor]:
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float) / dim))
    freqs = pos[:, None].float() * inv_freq.to(pos.device)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def _rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., half:], x[..., :half]), dim=-1) * sin


def _masks(real: torch.Tensor, pos: torch.Tensor, window: int) -> dict[str, torch.Tensor]:
    """Boolean attention masks (batch, 1, query, key): causal over real keys, and for sliding
    layers only the last `window` positions."""
    causal = pos[None, :] <= pos[:, None]
    full = causal[None] & real[:, None, :]
    near = (pos[:, None] - pos[None, :]) < window
    return {"full_attention": full[:, None], "sliding_attention": (full & near[None])[:, None]}
