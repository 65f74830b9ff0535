/*
 * cpuinfo.c - /proc/cpuinfo: one block per online CPU, from CPUID (read on
 * the current CPU: the machine's CPUs are alike) and the calibrated TSC
 * frequency.
 * Locks: none.
 */
#include "internal.h"
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <x86/asm.h>

static const struct {
	int reg; /* 0: CPUID.1:EDX, 1: CPUID.1:ECX */
	int bit;
	const char *name;
} flag_bits[] = {
	{ 0, 0, "fpu" },   { 0, 4, "tsc" },	 { 0, 5, "msr" },	  { 0, 6, "pae" },
	{ 0, 8, "cx8" },   { 0, 9, "apic" },	 { 0, 11, "sep" },	  { 0, 13, "pge" },
	{ 0, 15, "cmov" }, { 0, 19, "clflush" }, { 0, 23, "mmx" },	  { 0, 24, "fxsr" },
	{ 0, 25, "sse" },  { 0, 26, "sse2" },	 { 1, 0, "pni" },	  { 1, 9, "ssse3" },
	{ 1, 13, "cx16" }, { 1, 19, "sse4_1" },	 { 1, 20, "sse4_2" },	  { 1, 23, "popcnt" },
	{ 1, 25, "aes" },  { 1, 28, "avx" },	 { 1, 31, "hypervisor" },
};

int proc_cpuinfo_show(struct proc_buf *m, struct proc_inode *pi)
{
	u32 a, b, c, d, max, eax1, ebx1, ecx1, edx1;
	char vendor[13], model[49];
	unsigned int family, mod, stepping;

	cpuid(0, 0, &max, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = 0;
	cpuid(1, 0, &eax1, &ebx1, &ecx1, &edx1);
	family = (eax1 >> 8) & 0xf;
	mod = (eax1 >> 4) & 0xf;
	stepping = eax1 & 0xf;
	if (family == 0xf)
		family += (eax1 >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		mod |= ((eax1 >> 16) & 0xf) << 4;
	strlcpy(model, "unknown", sizeof(model));
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x80000004) {
		u32 *w = (u32 *)model;
		for (u32 leaf = 0; leaf < 3; leaf++)
			cpuid(0x80000002 + leaf, 0, &w[leaf * 4], &w[leaf * 4 + 1],
			      &w[leaf * 4 + 2], &w[leaf * 4 + 3]);
		model[48] = 0;
	}
	for (int cpu = 0; cpu < nr_cpus_online; cpu++) {
		const char *name = model;
		while (*name == ' ')
			name++;
		proc_printf(m,
			    "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n"
			    "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %llu.%03llu\n"
			    "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n"
			    "apicid\t\t: %u\nfpu\t\t: yes\nflags\t\t:",
			    cpu, vendor, family, mod, name, stepping,
			    (unsigned long long)(tsc_khz / 1000),
			    (unsigned long long)(tsc_khz % 1000), nr_cpus_online, cpu,
			    nr_cpus_online, cpus[cpu].apic_id);
		for (unsigned int i = 0; i < sizeof(flag_bits) / sizeof(flag_bits[0]); i++)
			if (((flag_bits[i].reg ? ecx1 : edx1) >> flag_bits[i].bit) & 1)
				proc_printf(m, " %s", flag_bits[i].name);
		proc_printf(m, "\nbogomips\t: %llu.%02llu\n\n",
			    (unsigned long long)(tsc_khz * 2 / 1000),
			    (unsigned long long)(tsc_khz * 2 / 10 % 100));
	}
	return 0;
}
