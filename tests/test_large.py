"""More than 2**31 elements (int8, CPU): index arithmetic must be 64-bit in the planner and every
kernel. Needs ~14 GB free: the input, our result and torch's result are each over 2 GiB, plus stack's
inputs. Tensors are freed as soon as they are compared."""
import gc

import pytest
import torch

import reshapeops

BIG = 2**31 + 2**20  # elements; over the int32 range however it is split


def mem_available_gb():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


needs_memory = pytest.mark.skipif(mem_available_gb() < 14, reason="needs ~14 GB of free memory")


def random_int8(shape, gen):
    return torch.randint(-128, 128, shape, dtype=torch.int8, generator=gen)


def equal_then_free(ours, theirs, what):
    same = torch.equal(ours, theirs)  # int8: equality is bit equality
    shapes = (tuple(ours.shape), tuple(theirs.shape))
    contiguous = ours.is_contiguous()
    del ours, theirs
    gc.collect()
    assert shapes[0] == shapes[1], f"{what}: shape {shapes[0]} != {shapes[1]}"
    assert contiguous, f"{what}: result is not contiguous"
    assert same, f"{what}: bits differ from torch"


@pytest.mark.slow
@needs_memory
def test_permute_over_2_31_elements(gen):
    x = random_int8((2**16 + 3, 2**15 + 1), gen)  # 2**31 + ~2**17 elements, transposed (tiled kernel)
    assert x.numel() > 2**31
    equal_then_free(reshapeops.permute(x, (1, 0)), x.t().contiguous(), "2-D transpose")
    del x
    gc.collect()
    # a batched transpose whose offsets pass 2**31 in the later batches
    y = random_int8((5, 2**15 + 1, 13109), gen)
    assert y.numel() > 2**31
    equal_then_free(reshapeops.permute(y, (0, 2, 1)), y.permute(0, 2, 1).contiguous(), "3-D permute")
    del y
    gc.collect()


@pytest.mark.slow
@needs_memory
def test_stack_and_cat_over_2_31_elements(gen):
    half = BIG // 2
    a = random_int8((half,), gen)
    b = random_int8((half,), gen)
    equal_then_free(reshapeops.stack([a, b], 0), torch.stack([a, b], 0), "stack dim 0")
    # dim -1 interleaves a and b element by element: output offsets pass 2**31 everywhere
    equal_then_free(reshapeops.stack([a, b], -1), torch.stack([a, b], -1), "stack dim -1")
    equal_then_free(reshapeops.cat([a, b]), torch.cat([a, b]), "cat")
    del a, b
    gc.collect()
