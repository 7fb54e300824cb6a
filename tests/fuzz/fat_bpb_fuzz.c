/*
 * Fuzz the FAT boot sector parser (kernel/fs/fat/bpb.c): fat_bpb_parse()
 * on the input as a boot sector of a device of a size taken from the
 * input. An accepted geometry must be consistent: the regions in order
 * and inside the volume, the volume inside the device, the type the one
 * its cluster count says, the FAT big enough for every cluster.
 * Seeds: boot sectors of mkfs.fat and mformat images (corpus/fat_bpb).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fat/bpb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *bs = malloc(size > 512 ? size : 512);
	uint64_t dev = (uint64_t)1 << 40;
	struct fat_geom g;
	const char *why = NULL;

	memset(bs, 0, size > 512 ? size : 512);
	memcpy(bs, data, size);
	if (size > 512)
		dev = (uint64_t)data[size - 1] << 24 | (uint64_t)data[size - 2] << 16;
	if (fat_bpb_parse(bs, size, dev, &g, &why) == 0) {
		assert(g.total_sectors * g.sector_size <= dev);
		assert(g.reserved <= g.root_start && g.root_start <= g.data_start);
		assert(g.data_start + (uint64_t)g.nr_clusters * g.sec_per_clus <= g.total_sectors);
		assert(g.nr_clusters >= 1 && g.max_cluster == g.nr_clusters + 1);
		assert(g.type == (g.nr_clusters < 4085	  ? FAT12
				  : g.nr_clusters < 65525 ? FAT16
							  : FAT32));
		assert((uint64_t)g.fat_sectors * g.sector_size * 8 >=
		       ((uint64_t)g.max_cluster + 1) * g.type);
		assert(g.cluster_size <= FAT_MAX_CLUSTER_BYTES);
		assert(g.type != FAT32 || (g.root_cluster >= 2 && g.root_cluster <= g.max_cluster));
	} else {
		assert(why != NULL);
	}
	free(bs);
	return 0;
}
