// SPDX-License-Identifier: GPL-2.0
/*
 * kimg's example out-of-tree module: a misc device, /dev/kimg-demo, whose every read returns one greeting line.
 * It exists to prove the -devel package (it builds with make M= against it alone), module signing (it loads only
 * when signed on a kernel that enforces signatures) and module BTF (/sys/kernel/btf/kimg_demo).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/utsname.h>

static char greeting[128];

/* The state BTF describes (visible with bpftool btf dump file /sys/kernel/btf/kimg_demo). */
struct kimg_demo_stats {
	unsigned long reads;
	unsigned long bytes;
};

static struct kimg_demo_stats stats;

static ssize_t kimg_demo_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	ssize_t n = simple_read_from_buffer(buf, len, pos, greeting, strlen(greeting));

	if (n > 0) {
		stats.reads++;
		stats.bytes += n;
	}
	return n;
}

static const struct file_operations kimg_demo_fops = {
	.owner = THIS_MODULE,
	.read = kimg_demo_read,
	.llseek = default_llseek,
};

static struct miscdevice kimg_demo_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kimg-demo",
	.fops = &kimg_demo_fops,
	.mode = 0444,
};

static int __init kimg_demo_init(void)
{
	snprintf(greeting, sizeof(greeting), "hello from kimg-demo on %s\n", init_utsname()->release);
	return misc_register(&kimg_demo_device);
}

static void __exit kimg_demo_exit(void)
{
	misc_deregister(&kimg_demo_device);
}

module_init(kimg_demo_init);
module_exit(kimg_demo_exit);
MODULE_DESCRIPTION("kimg example: /dev/kimg-demo returns a greeting");
MODULE_LICENSE("GPL");
