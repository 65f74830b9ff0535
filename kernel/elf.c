/*
 * elf.c - ELF64 executables for execve: checking the headers and mapping
 * the PT_LOAD segments into a new address space.
 *
 * Accepted: x86_64 little-endian ELF64, static ET_EXEC (fixed addresses)
 * and static-PIE ET_DYN (loaded at a randomised base).  A PT_INTERP
 * (dynamically linked program) is refused with -ENOEXEC.  Every check is
 * done on bytes already read into the kernel (elf_check_header,
 * elf_check_phdrs), so a bad file only ever gets -ENOEXEC; both functions
 * are pure and tested by ktest.
 *
 * Mapping (elf_map_segments): each segment's file part is a private file
 * mapping (so text pages come from the page cache and COW on write), the
 * rest of its memory size is anonymous (bss).  The tail of the last file
 * page of a segment that has bss must be zeroed once the new mm is
 * current: elf_map_segments returns those ranges.
 * The caller holds the new mm's mmap_lock for writing.
 */
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <mm/mm.h>

#define ELFMAG0 0x7f
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define EM_X86_64 62
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

static int seg_prot(u32 flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

int elf_check_header(const void *buf, size_t len, u64 file_size, struct elf_info *info)
{
	const struct elf64_hdr *eh = buf;
	const u8 *id = buf;
	u64 phsize;

	memset(info, 0, sizeof(*info));
	if (len < sizeof(*eh))
		return -ENOEXEC;
	if (id[0] != ELFMAG0 || id[1] != 'E' || id[2] != 'L' || id[3] != 'F')
		return -ENOEXEC;
	if (id[4] != ELFCLASS64 || id[5] != ELFDATA2LSB || id[6] != EV_CURRENT)
		return -ENOEXEC;
	if ((eh->e_type != ET_EXEC && eh->e_type != ET_DYN) || eh->e_machine != EM_X86_64 ||
	    eh->e_version != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > ELF_MAX_PHNUM)
		return -ENOEXEC;
	phsize = (u64)eh->e_phnum * sizeof(struct elf64_phdr);
	if (eh->e_phoff > file_size || phsize > file_size - eh->e_phoff)
		return -ENOEXEC;
	info->type = eh->e_type;
	info->entry = eh->e_entry;
	info->phoff = eh->e_phoff;
	info->phnum = eh->e_phnum;
	return 0;
}

int elf_check_phdrs(const struct elf64_phdr *ph, struct elf_info *info, u64 file_size)
{
	u64 lo = ~0ULL, hi = 0;
	int loads = 0;

	info->phdr_vaddr = 0;
	for (int i = 0; i < info->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->p_type == PT_INTERP) {
			info->has_interp = true;
			return -ENOEXEC;
		}
		if (p->p_type == PT_PHDR)
			info->phdr_vaddr = p->p_vaddr;
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz > p->p_memsz)
			return -ENOEXEC;
		if ((p->p_vaddr - p->p_offset) & (PAGE_SIZE - 1))
			return -ENOEXEC;
		if (p->p_memsz > TASK_SIZE || p->p_vaddr > TASK_SIZE - p->p_memsz)
			return -ENOEXEC;
		if (p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
			return -ENOEXEC;
		if (p->p_memsz == 0)
			continue;
		lo = MIN(lo, ALIGN_DOWN(p->p_vaddr, PAGE_SIZE));
		hi = MAX(hi, ALIGN_UP(p->p_vaddr + p->p_memsz, PAGE_SIZE));
		if (!info->phdr_vaddr && info->phoff >= p->p_offset &&
		    info->phoff - p->p_offset < p->p_filesz)
			info->phdr_vaddr = p->p_vaddr + (info->phoff - p->p_offset);
		loads++;
	}
	if (!loads)
		return -ENOEXEC;
	if (info->type == ET_EXEC && lo < MMAP_MIN_ADDR)
		return -ENOEXEC;
	if (hi - lo > TASK_SIZE / 4)
		return -ENOEXEC;
	info->lo = lo;
	info->hi = hi;
	return 0;
}

long elf_map_segments(struct mm_struct *mm, struct file *file, const struct elf64_phdr *ph,
		      struct elf_info *info, u64 bias, struct elf_zero *zero, int *nzero)
{
	u64 brk = 0, start_code = ~0ULL, end_code = 0, start_data = ~0ULL, end_data = 0;
	long r;

	*nzero = 0;
	for (int i = 0; i < info->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		u64 va = p->p_vaddr + bias, start = ALIGN_DOWN(va, PAGE_SIZE);
		u64 file_end = va + p->p_filesz, mem_end = va + p->p_memsz;
		u64 anon_start = ALIGN_UP(file_end, PAGE_SIZE);
		int prot = seg_prot(p->p_flags);

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (p->p_filesz) {
			r = do_mmap(mm, start, anon_start - start, prot, MAP_PRIVATE | MAP_FIXED,
				    file, ALIGN_DOWN(p->p_offset, PAGE_SIZE) >> PAGE_SHIFT);
			if (r < 0)
				return r;
			if (p->p_memsz > p->p_filesz && (file_end & (PAGE_SIZE - 1)) &&
			    *nzero < ELF_MAX_ZERO) {
				zero[*nzero].addr = file_end;
				zero[*nzero].len = anon_start - file_end;
				(*nzero)++;
			}
		} else {
			anon_start = start;
		}
		if (ALIGN_UP(mem_end, PAGE_SIZE) > anon_start) {
			r = do_mmap(mm, anon_start, ALIGN_UP(mem_end, PAGE_SIZE) - anon_start, prot,
				    MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, NULL, 0);
			if (r < 0)
				return r;
		}
		if (p->p_flags & PF_X) {
			start_code = MIN(start_code, va);
			end_code = MAX(end_code, file_end);
		} else {
			start_data = MIN(start_data, va);
			end_data = MAX(end_data, file_end);
		}
		brk = MAX(brk, mem_end);
	}
	mm->start_code = start_code == ~0ULL ? 0 : start_code;
	mm->end_code = end_code;
	mm->start_data = start_data == ~0ULL ? 0 : start_data;
	mm->end_data = end_data;
	mm->start_brk = mm->brk = ALIGN_UP(brk, PAGE_SIZE);
	return 0;
}
