"""torch.compile(fullgraph=True) of a small model using every op: no graph breaks, same bits as eager,
forward and backward. One compile only: it is the slow part of the suite."""
import torch

import reshapeops
from _bits import assert_bitwise


class EveryOp(torch.nn.Module):
    def forward(self, x, y):
        a = reshapeops.permute(x, (0, 2, 3, 1))                  # b h w c
        b = reshapeops.reshape(a.transpose(1, 2), (x.shape[0], -1, x.shape[1]))
        c = reshapeops.contiguous(b.transpose(1, 2))
        d = reshapeops.stack([c, c * 2], dim=1)
        e = reshapeops.cat([d.flatten(1), y], dim=1)
        f = reshapeops.rearrange(a, "b h w c -> b c (h w)")
        g = reshapeops.transpose(reshapeops.movedim(f, 1, 2), 0, 1)
        h = reshapeops.unflatten(reshapeops.flatten(g), 0, (-1, 2))
        return e, h


def test_compile_fullgraph_matches_eager_bitwise():
    torch._dynamo.reset()
    model = EveryOp()
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    y = torch.randn(2, 7, requires_grad=True)
    compiled = torch.compile(model, fullgraph=True)
    eager_out = model(x, y)
    compiled_out = compiled(x, y)
    for c, e in zip(compiled_out, eager_out):
        assert_bitwise(c, e)
        assert c.is_contiguous()

    grads = [torch.randn_like(o) for o in eager_out]
    eager_grads = torch.autograd.grad(eager_out, (x, y), grads)
    compiled_grads = torch.autograd.grad(compiled_out, (x, y), grads)
    for c, e in zip(compiled_grads, eager_grads):
        assert_bitwise(c, e)


def test_export_keeps_the_ops():
    x = torch.randn(2, 3, 4)

    class Permute(torch.nn.Module):
        def forward(self, t):
            return reshapeops.permute(t, (2, 0, 1))

    exported = torch.export.export(Permute(), (x,))
    assert "reshapeops.permute" in str(exported.graph)
    assert_bitwise(exported.module()(x), x.permute(2, 0, 1).contiguous())
