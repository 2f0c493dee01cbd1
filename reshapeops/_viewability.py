"""Whether torch can serve a reshape as a view, and if not, which input dims stop it.

A Python mirror of at::detail::computeStride (ATen/TensorUtils.cpp): the input's dims fall into chunks
that are contiguous among themselves; a view may split and merge dims only inside a chunk.
"""


def blocking_dims(sizes, strides, shape):
    """None if ``shape`` is a view of (sizes, strides); else (input dim a, input dim b, new dim) such that
    new dim would have to span input dims a and a + 1 = b, which are not adjacent in memory."""
    sizes, strides, shape = list(sizes), list(strides), list(shape)
    numel = 1
    for s in sizes:
        numel *= s
    if numel == 0 or not sizes:
        return None
    view_d = len(shape) - 1
    chunk_base_stride = strides[-1]
    tensor_numel = view_numel = 1
    for tensor_d in range(len(sizes) - 1, -1, -1):
        tensor_numel *= sizes[tensor_d]
        chunk_ends = tensor_d == 0 or (
            sizes[tensor_d - 1] != 1 and strides[tensor_d - 1] != tensor_numel * chunk_base_stride
        )
        if chunk_ends:
            while view_d >= 0 and (view_numel < tensor_numel or shape[view_d] == 1):
                view_numel *= shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return tensor_d - 1, tensor_d, view_d + 1
            if tensor_d > 0:
                chunk_base_stride = strides[tensor_d - 1]
                tensor_numel = view_numel = 1
    return None
