/*
 * serial.c - 16550 UART (COM1, 115200 8N1).
 *
 * Transmit polls the line-status register: the console must work in panic,
 * with interrupts off and any lock state.  Callers serialise output.
 * Receive uses the UART interrupt (IRQ 4) once serial_enable_rx() runs.
 */
#include <drivers/serial.h>
#include <kernel/irq.h>
#include <x86/asm.h>

#define COM1 0x3f8
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static void (*rx_handler)(u8 c);

void serial_init(void)
{
	outb(COM1 + REG_IER, 0x00);
	outb(COM1 + REG_LCR, 0x80); /* DLAB on: set the divisor */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + REG_LCR, 0x03); /* 8N1, DLAB off */
	outb(COM1 + REG_FCR, 0xC7); /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + REG_MCR, 0x0B); /* DTR, RTS, OUT2 (IRQ line enable) */
}

void serial_putc(char c)
{
	int spins = 100000;

	while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY) && --spins)
		cpu_relax();
	outb(COM1 + REG_DATA, (u8)c);
}

void serial_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static void serial_irq(int irq, void *arg)
{
	(void)irq;
	(void)arg;
	while (inb(COM1 + REG_LSR) & LSR_DATA_READY) {
		u8 c = inb(COM1 + REG_DATA);
		if (rx_handler)
			rx_handler(c);
	}
}

void serial_enable_rx(void (*rx)(u8 c))
{
	rx_handler = rx;
	irq_request_isa(4, serial_irq, NULL, "serial");
	outb(COM1 + REG_IER, 0x01); /* data-available interrupt */
}
