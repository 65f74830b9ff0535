/*
 * fw_cfg.c - QEMU's firmware configuration device (I/O ports 0x510/0x511).
 *
 * tools/vm passes the kernel command line as the fw_cfg file
 * "opt/kernel/cmdline", so changing options needs no new boot image.
 * Polled byte reads; boot CPU only (no lock).
 */
#include <kernel/bootinfo.h>
#include <kernel/string.h>
#include <x86/asm.h>

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019

static void fw_cfg_read(void *buf, size_t n)
{
	u8 *b = buf;

	for (size_t i = 0; i < n; i++)
		b[i] = inb(FW_CFG_PORT_DATA);
}

static u32 be32(u32 v) { return __builtin_bswap32(v); }
static u16 be16(u16 v) { return __builtin_bswap16(v); }

int fw_cfg_read_file(const char *name, char *buf, size_t size)
{
	char sig[4];
	u32 count;

	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	fw_cfg_read(sig, 4);
	if (memcmp(sig, "QEMU", 4) != 0)
		return -1;
	outw(FW_CFG_PORT_SEL, FW_CFG_FILE_DIR);
	fw_cfg_read(&count, 4);
	count = be32(count);
	for (u32 i = 0; i < count; i++) {
		struct {
			u32 size;
			u16 select;
			u16 reserved;
			char name[56];
		} __packed f;
		fw_cfg_read(&f, sizeof(f));
		if (strncmp(f.name, name, sizeof(f.name)) == 0) {
			u32 len = be32(f.size);
			if (len >= size)
				len = size - 1;
			outw(FW_CFG_PORT_SEL, be16(f.select));
			fw_cfg_read(buf, len);
			buf[len] = 0;
			return (int)len;
		}
	}
	return -1;
}
