"""Training on several processes or machines: `hcr-ocr train --distributed` under torchrun.

    torchrun --nproc-per-node 2 -m hcr_ocr train --distributed --dataset mnist --epochs 2 --out runs/ddp

    from hcr_ocr.train.distributed import SINGLE, join_group
    cluster, device = join_group("cpu")   # from torchrun's RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT
    network = cluster.wrap(model)          # DistributedDataParallel (the model itself for one process)
    cluster.share(batch)                   # this process's strided share of a global batch
    cluster.broadcast(obj)                 # rank 0's object, on every rank
    cluster.all_sum([seen, loss, correct]) # summed over the ranks
    cluster.leave()                        # a barrier, then the group is gone

How the work is split, so that the same seed gives the same numbers for the same number of processes:
every rank draws the epoch's class-balanced order and augments each *global* batch with the one shared,
seeded generator (so the generators never drift apart, and last.pt's generator is every rank's), then
trains on its strided share of the batch; DistributedDataParallel averages the gradients. The global
batch is the single-process run's, so the learning-rate schedule and the step count are too. Gloo on CPUs,
NCCL where the device is CUDA. Rank 0 alone validates, writes the checkpoints, history, plots and ONNX
export and scores the test set; the others wait for its record (a broadcast, which is also the barrier).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch

from hcr_ocr.errors import HcrError

TORCHRUN_ENV = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")
NOT_UNDER_TORCHRUN = (
    "--distributed runs under torchrun, which sets RANK and WORLD_SIZE: "
    "torchrun --nproc-per-node 2 -m hcr_ocr train --distributed ..."
)


@dataclass(frozen=True)
class Cluster:
    """This process's place in the training group (one process alone: SINGLE)."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    backend: str | None = None  # gloo or nccl; None: no process group

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def grouped(self) -> bool:
        return self.backend is not None

    def share(self, batch: torch.Tensor) -> torch.Tensor:
        """This rank's strided share of a global batch: rows rank, rank + N, rank + 2N, ..."""
        return batch[self.rank :: self.world_size] if self.world_size > 1 else batch

    def wrap(self, model: torch.nn.Module) -> torch.nn.Module:
        """The network to train: wrapped in DistributedDataParallel in a group, else itself."""
        if not self.grouped:
            return model
        from torch.nn.parallel import DistributedDataParallel

        device_ids = [self.local_rank] if self.backend == "nccl" else None
        return DistributedDataParallel(model, device_ids=device_ids)

    def broadcast(self, obj: Any) -> Any:
        """Rank 0's `obj` on every rank (every rank must call it: it is a barrier too)."""
        if not self.grouped:
            return obj
        import torch.distributed as dist

        holder = [obj]
        dist.broadcast_object_list(holder, src=0)
        return holder[0]

    def all_sum(self, values: list[float]) -> list[float]:
        """Each value summed over the ranks."""
        if not self.grouped:
            return values
        import torch.distributed as dist

        device = f"cuda:{self.local_rank}" if self.backend == "nccl" else "cpu"
        total = torch.tensor(values, dtype=torch.float64, device=device)
        dist.all_reduce(total)
        return [float(v) for v in total.cpu()]

    def leave(self, finished: bool = True) -> None:
        """Leave the group: after a finished run, once every rank is done (a barrier), so that no rank
        tears its connections down while another still talks (gloo then aborts the process); after a
        failure at once, and torchrun stops the others."""
        if not self.grouped:
            return
        import gc

        import torch.distributed as dist

        if not dist.is_initialized():
            return
        gc.collect()  # the DistributedDataParallel wrapper (in reference cycles) goes before its group
        if finished:
            dist.barrier()
        dist.destroy_process_group()


SINGLE = Cluster()


def join_group(device: str = "cpu") -> tuple[Cluster, str]:
    """Join the process group torchrun set up (gloo on CPUs, nccl on CUDA); returns this process's place and
    its device (cuda:LOCAL_RANK on GPUs). Raises HcrError when not started by torchrun."""
    missing = [name for name in TORCHRUN_ENV if name not in os.environ]
    if missing:
        raise HcrError(NOT_UNDER_TORCHRUN)
    import torch.distributed as dist

    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ["LOCAL_RANK"])
    backend = "gloo"
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise HcrError("--device cuda: no CUDA device here (leave it out to train on the CPUs)")
        backend, device = "nccl", f"cuda:{local_rank}"
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend, rank=rank, world_size=world_size)
    return Cluster(rank, world_size, local_rank, backend), device
