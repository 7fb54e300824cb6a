/*
 * The VFS end of path completion (fs_complete.h): reads a directory's
 * names with the file commands' helper and stats each to mark the
 * directories. Shell task only.
 */
#include "fs/fs_complete.h"

#include "fs/fs_cmds.h"
#include "fs/vfs.h"
#include "include/uapi/stat.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

void fs_complete_list_dir(const char *dir, size_t n,
			  void (*fn)(void *arg, const char *name, bool is_dir), void *arg)
{
	char *path = kmalloc(FS_CMD_PATH_BUF), *full = kmalloc(FS_CMD_PATH_BUF);
	struct linux_stat st;
	char **names = NULL;
	size_t count = 0;

	if (!path || !full || n >= FS_CMD_PATH_BUF)
		goto out_free;
	memcpy(path, dir, n);
	path[n] = '\0';
	if (!n)
		strlcpy(path, ".", FS_CMD_PATH_BUF);
	if (fs_cmd_read_names(path, true, &names, &count) == 0) {
		for (size_t i = 0; i < count; i++) {
			fs_cmd_path_join(full, path, names[i]);
			fn(arg, names[i],
			   !vfs_stat(fs_cmd_cwd(), full, &st) && S_ISDIR(st.st_mode));
		}
	}
	fs_cmd_free_names(names, count);
out_free:
	kfree(path);
	kfree(full);
}
