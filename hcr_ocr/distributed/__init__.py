"""Beyond one machine: reading many images on a Ray cluster (needs the `[distributed]` extra: Ray Data).

    from hcr_ocr.distributed.ray_reading import read_with_ray
    summary = read_with_ray(["scans/"], Path("results"), address=None, workers=2)  # None: a local Ray

ray_reading   read_with_ray(): list the inputs, read their bytes with Ray Data in a pool of workers that
              read each image (the models loaded once per worker) and write one JSON Lines file per block
records       one image → one record {"path", "text", "result", "error"}; the workers' callable that
              reads a block and writes its file (no Ray)

Ray is imported only inside the functions of ray_reading, so this package costs nothing until it is used;
without Ray, read_with_ray is a one-line HcrError that names the extra. Training on several processes or
machines is `hcr-ocr train --distributed` under torchrun (hcr_ocr.train.distributed).
"""
