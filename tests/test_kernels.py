"""Inputs big enough that each kernel splits its work across threads (at::parallel_for chunks of
~64 KB), with ragged edges at tile and chunk boundaries, for every element width, on 1 thread and on
all threads. Results must not depend on how the work was split."""
import pytest
import torch

import reshapeops
from helpers import WIDTH_DTYPES, assert_bitwise_equal, dtype_id, random_tensor


def out_at(expected, offset):
    """An empty out= shaped like `expected`, `offset` elements into a fresh buffer. At 0 it starts where
    the allocator's buffers do, on a cache line; an offset of less than a line moves every row off its
    lines."""
    return torch.empty(expected.numel() + offset, dtype=expected.dtype)[offset:].view(expected.shape)


def cases(dtype, gen):
    r = lambda *shape: random_tensor(shape, dtype, gen)  # noqa: E731
    return {
        "flat_copy": (lambda: r(300_007), None),
        "long_rows": (lambda: r(513, 300)[:, 7:290], None),
        "short_rows": (lambda: r(20_000, 8)[:, 1:4], None),
        "transpose_square": (lambda: r(517, 389).t(), None),
        # rows 203 elements apart spread over L1's sets: 1- and 2-byte tiles take gathered blocks of
        # 64 or 32 rows (AVX-512), the rest of a tile one more block shifted back to end at its edge
        # (bytes: the last tile's 232 rows are 3 blocks and one overlapping the third); rows 1,024
        # apart share a few sets and take strips only
        "transpose_rows_across_l1_sets": (lambda: r(1000, 203).t(), None),
        "transpose_rows_in_few_l1_sets": (lambda: r(300, 1024)[:, 5:1000].t(), None),
        "transpose_thin": (lambda: r(3, 70_001).t(), None),
        "transpose_wide": (lambda: r(70_001, 3).t(), None),
        "nchw_to_nhwc": (lambda: r(4, 3, 67, 71), (0, 2, 3, 1)),
        "nhwc_to_nchw": (lambda: r(4, 67, 71, 5), (0, 3, 1, 2)),
        # rows of 16 channels back to back: bytes take the packed-rows kernel, 64 rows per block, the
        # last 1,007 % 64 by one more block shifted back to end at the tile's edge
        "nhwc_to_nchw_c16": (lambda: r(3, 1007, 16), (0, 2, 1)),
        "batched_transpose_many_small": (lambda: r(4000, 5, 7), (0, 2, 1)),
        "reverse_4d": (lambda: r(13, 17, 19, 23), (3, 2, 1, 0)),
        # tile sides that take part of a dim (divisors 2 to 30), and dims that cannot be split (primes)
        "reverse_4d_split_dims": (lambda: r(48, 40, 36, 60), (3, 2, 1, 0)),
        "reverse_6d_split_dims": (lambda: r(12, 10, 16, 9, 14, 6), (5, 4, 3, 2, 1, 0)),
        "reverse_5d_prime_dims": (lambda: r(7, 11, 13, 17, 5), (4, 3, 2, 1, 0)),
        # tiles visited in panels along the source rows, the last panel partly filled
        "transpose_panels": (lambda: r(300, 9001).t(), None),
        "gather_step": (lambda: r(400, 2000)[:, ::3], None),
        "gather_expanded_inner": (lambda: r(5000, 1).expand(5000, 37), None),
        "gather_step_transposed": (lambda: r(900, 600)[::2, ::3].t(), None),
    }


NAMES = sorted(cases(torch.int8, torch.Generator()))


@pytest.fixture(params=[1, None], ids=["1thread", "allthreads"])
def threads(request):
    before = torch.get_num_threads()
    if request.param is not None:
        torch.set_num_threads(request.param)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("name", NAMES)
def test_kernel_paths_at_scale(name, dtype, gen, threads):
    make, dims = cases(dtype, gen)[name]
    x = make()
    if dims is None:
        assert_bitwise_equal(reshapeops.contiguous(x), x.contiguous(), name)
        assert_bitwise_equal(reshapeops.reshape(x, (-1,)), x.reshape(-1).contiguous(), name)
    else:
        assert_bitwise_equal(reshapeops.permute(x, dims), x.permute(dims).contiguous(), name)


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_cat_stack_at_scale(dtype, gen, threads):
    a = random_tensor((3000, 40), dtype, gen)
    b = random_tensor((3000, 3), dtype, gen)
    c = random_tensor((3000, 200), dtype, gen)
    assert_bitwise_equal(reshapeops.cat([a, b, c], 1), torch.cat([a, b, c], 1))
    assert_bitwise_equal(reshapeops.stack([b, b.flip(0), b], -1), torch.stack([b, b.flip(0), b], -1))
    for count in (9, 12, 15, 16):  # zips up to 15 inputs, tiles from 16
        few = [random_tensor((2000,), dtype, gen) for _ in range(count)]
        assert_bitwise_equal(reshapeops.stack(few, -1), torch.stack(few, -1))
    # Inputs that are rows of one tensor, 1,003 elements apart: the tiles' source rows spread over
    # L1's sets, so 1- and 2-byte elements take gathered blocks.
    rows = list(random_tensor((300, 1003), dtype, gen)[:, 2:1001].unbind(0))
    assert_bitwise_equal(reshapeops.stack(rows, -1), torch.stack(rows, -1))
    many = [random_tensor((257,), dtype, gen) for _ in range(300)]
    assert_bitwise_equal(reshapeops.stack(many, 1), torch.stack(many, 1))
    assert_bitwise_equal(reshapeops.cat(many), torch.cat(many))


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_last_dim_stacks_of_every_zip_count(dtype, gen):
    # Counts the compiler does not vectorize are zipped padded to 8 or 16 rows, or split into a zip of
    # 8 and one of the rest and merged, in rounds of 256 positions;
    # 785 elements end in a ragged round, and the stacked views start at odd offsets.
    for count in range(2, 17):
        xs = [random_tensor((785,), dtype, gen) for _ in range(count)]
        assert_bitwise_equal(reshapeops.stack(xs, -1), torch.stack(xs, -1), f"count={count}")
        base = random_tensor((count, 787), dtype, gen)
        views = [row[1:786] for row in base.unbind(0)]
        assert_bitwise_equal(reshapeops.stack(views, -1), torch.stack(views, -1), f"count={count}")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_stack_many_inputs_past_the_cache(dtype, gen, threads):
    # Outputs of 17 MB are past the streaming threshold (3/8 of a 32 MB last-level cache) and take the
    # streaming paths: the last-dim stack of many inputs is tiled like a transpose (ragged in both inputs
    # and rows), the first-dim stack of short inputs streams whole slices.
    width = torch.empty((), dtype=dtype).element_size()
    many = [random_tensor((17_000_000 // (300 * width) + 7,), dtype, gen) for _ in range(300)]
    assert_bitwise_equal(reshapeops.stack(many, -1), torch.stack(many, -1))
    short = [random_tensor((17_000_000 // (3000 * width) + 5,), dtype, gen) for _ in range(3000)]
    assert_bitwise_equal(reshapeops.stack(short, 0), torch.stack(short, 0))
    # More inputs than one tile holds at any element size (tiles take 1,024 bytes of each row).
    wide = [random_tensor((17_000_000 // (1500 * width) + 3,), dtype, gen) for _ in range(1500)]
    assert_bitwise_equal(reshapeops.stack(wide, -1), torch.stack(wide, -1))
    # Few inputs: one tile holds them all, so its output rows are one stretch (40 inputs), unless
    # they are a multiple of 128 bytes long (128 inputs of 1 byte), which tiles pad in their buffer,
    # or start on lines (64 inputs), which tiles stream from registers; so do 16 inputs of 1 or 2
    # bytes, four or two output rows to a line. Tiles of 1-byte inputs are 256 rows tall where the
    # buffer holds them.
    for count in (16, 40, 64, 128):
        few = [random_tensor((17_000_000 // (count * width) + 5,), dtype, gen) for _ in range(count)]
        assert_bitwise_equal(reshapeops.stack(few, -1), torch.stack(few, -1), f"count={count}")
    # Output rows of 1,024 inputs start on lines: tiles of whole blocks are streamed from registers
    # (gather_streamed), the last tile of each thread's rows is ragged and takes the buffer, and so does
    # every tile with out= one element in.
    lined = [random_tensor((17_000_000 // (1024 * width) + 5,), dtype, gen) for _ in range(1024)]
    expected = torch.stack(lined, -1)
    for offset in (0, 1):
        out = out_at(expected, offset)
        reshapeops.stack(lined, -1, out=out)
        assert_bitwise_equal(out, expected, f"1,024 inputs, out= {offset} elements in")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_stacks_written_in_order_past_the_cache(dtype, gen):
    # Outputs written front to back past 3/4 of a 32 MB last-level cache, the highest streaming
    # threshold: outputs of 26 MB take both streamed paths (zipped blocks built in a buffer, long
    # slices), ragged at the ends.
    width = torch.empty((), dtype=dtype).element_size()
    n = 26_000_000 // (3 * width)
    zipped = [random_tensor((n + 3,), dtype, gen) for _ in range(3)]
    assert_bitwise_equal(reshapeops.stack(zipped, -1), torch.stack(zipped, -1))
    slices = [random_tensor((n // 1001, 1001), dtype, gen) for _ in range(3)]
    assert_bitwise_equal(reshapeops.stack(slices, 0), torch.stack(slices, 0))
    assert_bitwise_equal(reshapeops.cat(slices, -1), torch.cat(slices, -1))


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_zips_of_every_count_past_the_cache(dtype, gen, threads):
    # From 12 MB (3/8 of a 32 MB last-level cache) zips are built in blocks of about 2 KB of whole
    # lines and streamed out. Each count has its own zip (plain, padded or split and merged), and
    # each thread's rows end in a short block.
    width = torch.empty((), dtype=dtype).element_size()
    for count in range(2, 16):
        xs = [random_tensor((13_000_000 // (count * width) + 5,), dtype, gen) for _ in range(count)]
        assert_bitwise_equal(reshapeops.stack(xs, -1), torch.stack(xs, -1), f"count={count}")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_slices_with_a_step_past_the_cache(dtype, gen, threads):
    # Outputs of 13 MB: slices with a step of 2 (and of 3 and 4 for 2- to 8-byte elements) are gathered
    # in registers and streamed out a line at a time. A row's partial lines at either end take ordinary
    # stores (rows of 4,099 elements; out= one element in), and so does the slice's last element,
    # whose vector would read past the tensor (the flat slice ends on the storage's last element).
    width = torch.empty((), dtype=dtype).element_size()
    n = 13_000_000 // width
    for step in (2, 3, 4):
        base = random_tensor((n // 4099 + 1, 4099 * step), dtype, gen)
        for name, x in (("[:, ::step]", base[:, ::step]), ("[:, 1::step]", base[:, 1::step]),
                        ("flat, to the end", base.view(-1)[step - 1 :: step])):
            expected = x.contiguous()
            assert_bitwise_equal(reshapeops.contiguous(x), expected, f"step {step}, {name}")
            out = out_at(expected, 1)
            reshapeops.contiguous(x, out=out)
            assert_bitwise_equal(out, expected, f"step {step}, {name}, out= one element in")


@pytest.mark.parametrize("dtype", WIDTH_DTYPES, ids=dtype_id)
def test_permutes_past_the_cache(dtype, gen):
    # Outputs of 13 MB take streaming stores, which cover whole destination lines only; rows whose
    # length is no multiple of a line (and views at odd offsets) leave partial lines at both ends of
    # every run, written with normal stores.
    width = torch.empty((), dtype=dtype).element_size()
    n = 13_000_000 // width
    transposed = random_tensor((n // 3001 + 2, 3001), dtype, gen)[1:-1, 1:]
    assert_bitwise_equal(reshapeops.contiguous(transposed.t()), transposed.t().contiguous())
    rows = random_tensor((n // 2500, 50, 50), dtype, gen)
    assert_bitwise_equal(reshapeops.permute(rows, (1, 0, 2)), rows.permute(1, 0, 2).contiguous())
    # Rows of one line (a head split with d * width = 64 bytes) stream when every row is a whole line:
    # not with out= starting mid-line.
    d = 64 // width
    heads = random_tensor((2, n // (2 * 16 * d), 16, d), dtype, gen)
    expected = heads.permute(0, 2, 1, 3).contiguous()
    assert_bitwise_equal(reshapeops.permute(heads, (0, 2, 1, 3)), expected, "head split")
    for offset in (1, d):
        out = out_at(expected, offset)
        reshapeops.permute(heads, (0, 2, 1, 3), out=out)
        assert_bitwise_equal(out, expected, f"head split, out= {offset} elements in")
    # A head merge with rows of one line takes them in turns: 16 sequence rows from one head, the same
    # from the next (8 or 4 rows where the sequence divides no further). Heads in pairs with sequences
    # of every remainder, an odd count of heads (no pairs) and out= one element in (rows off lines).
    for h, extra in ((16, 0), (16, 8), (16, 4), (16, 2), (15, 0)):
        s = 14_000_000 // (2 * 16 * 64) // 16 * 16 + extra
        merge = random_tensor((2, h, s, d), dtype, gen)
        expected = merge.permute(0, 2, 1, 3).contiguous()
        for offset in (0, 1):
            out = out_at(expected, offset)
            reshapeops.permute(merge, (0, 2, 1, 3), out=out)
            assert_bitwise_equal(out, expected, f"head merge of {h} x {s}, out= {offset} elements in")
    reversed_4d = random_tensor((n // (30 * 30 * 37) + 1, 30, 30, 37), dtype, gen)
    assert_bitwise_equal(reshapeops.permute(reversed_4d, (3, 2, 1, 0)), reversed_4d.permute(3, 2, 1, 0).contiguous())
    # Tiles spanning several dims whose destination rows all start on lines (a multiple of 16
    # elements long) are streamed from registers, the rows found through the tile's table of offsets;
    # out= one element in takes the buffer.
    on_lines = random_tensor((n // (16 * 16 * 32) // 16 * 16 + 16, 16, 16, 32), dtype, gen)
    expected = on_lines.permute(3, 2, 1, 0).contiguous()
    for offset in (0, 1):
        out = out_at(expected, offset)
        reshapeops.permute(on_lines, (3, 2, 1, 0), out=out)
        assert_bitwise_equal(out, expected, f"reversal on lines, out= {offset} elements in")
    # Runs moved onto the destination's cache lines (write_tile_on_lines): each tile past a row's first
    # also transposes the 64 bytes before its columns and starts its runs at the line boundary there.
    # Destination rows of 1,061 elements start anywhere in a line, differently per batch item; rows of
    # 1,024 are whole lines until out= one or three elements into a buffer moves every row off them.
    for rows in (1061, 1024):
        batched = random_tensor((3, rows, n // (3 * rows)), dtype, gen)
        expected = batched.transpose(1, 2).contiguous()
        for offset in (0, 1, 3):
            out = out_at(expected, offset)
            reshapeops.permute(batched, (0, 2, 1), out=out)
            assert_bitwise_equal(out, expected, f"rows of {rows}, out= {offset} elements in")
    # Tiles whose destination rows start on lines (2,048 elements) and whose source rows spread over
    # the cache's sets (6,347 x 2,048 bytes) are streamed from registers (streamed_tile.h); for bytes
    # the last tile along the source rows (6,347 % 512 of them) is no multiple of a block's rows and
    # takes the buffer. Out= one element in moves every row off its lines: the buffer for all.
    wide = random_tensor((2048, n // 2048), dtype, gen)
    expected = wide.t().contiguous()
    for offset in (0, 64 // width, 1):
        out = out_at(expected, offset)
        reshapeops.permute(wide, (1, 0), out=out)
        assert_bitwise_equal(out, expected, f"rows on lines, out= {offset} elements in")
    # Byte tiles (tiles of every element size, on cores whose L1 has 8 ways) whose source rows crowd L1
    # but not L2 (4,096 bytes apart) and whose destination rows start on lines are staged a 64-byte
    # column of rows at a time (stream_tile_staged); out= one element in takes the buffer. A view
    # 4,000 bytes wide leaves a last tile along the source rows that is no multiple of 64 and takes
    # the buffer too.
    crowded = random_tensor(((n * width // 4096 // 64 + 1) * 64, 4096 // width), dtype, gen)
    for source in (crowded, crowded[:, : 4000 // width]):
        expected = source.t().contiguous()
        for offset in (0, 1):
            out = out_at(expected, offset)
            reshapeops.permute(source, (1, 0), out=out)
            assert_bitwise_equal(out, expected, f"crowded rows {tuple(source.shape)}, out= {offset} elements in")
    # Channels first with C = 64 and rows 16 KB apart fill L2's sets to its 16 ways: byte tiles are
    # staged all the same (and take the buffer with out= one element in). Rows 64 KB apart overfill
    # them, as far as virtual addresses tell: where L1 has 8 ways, tiles of so few rows are staged
    # anyway, elsewhere they take the buffer.
    for row_bytes in (16384, 65536):
        channels_first = random_tensor((n * width // (64 * row_bytes) + 1, 64, row_bytes // width), dtype, gen)
        expected = channels_first.transpose(1, 2).contiguous()
        for offset in (0, 1):
            out = out_at(expected, offset)
            reshapeops.permute(channels_first, (0, 2, 1), out=out)
            assert_bitwise_equal(out, expected, f"C=64 rows {row_bytes} bytes apart, out= {offset} elements in")
    # Channels last with C = 16 or 64: a tile's destination rows are one stretch of the output, written
    # in 1 KB pieces that end on the output's 1 KB boundaries. An odd H x W leaves a ragged last tile;
    # out= one element into a buffer starts every stretch part-way into a piece. Back to channels first,
    # the tile's source rows are one stretch (requested for the next tile as one). With C = 2 to 8 the
    # rows are zipped in small blocks that are streamed out, from chunks that start on whole lines
    # (out= one element in: none of them does), and split again on the way back. C = 16, 33 and 64
    # are thin tiles (32 KB past the cache too); 33 leaves a ragged block on the short side as well.
    for channels in (*range(2, 9), 16, 33, 64):
        nchw = random_tensor((2, channels, n // (2 * channels * 127), 127), dtype, gen)
        expected = nchw.permute(0, 2, 3, 1).contiguous()
        assert_bitwise_equal(reshapeops.permute(nchw, (0, 2, 3, 1)), expected, f"C={channels}")
        out = out_at(expected, 1)
        reshapeops.permute(nchw, (0, 2, 3, 1), out=out)
        assert_bitwise_equal(out, expected, f"C={channels}, out= at an offset")
        assert_bitwise_equal(reshapeops.permute(expected, (0, 3, 1, 2)), nchw, f"C={channels} back")
