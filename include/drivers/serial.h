/*
 * serial.h - 16550 UART on COM1 (drivers/char/serial.c).  Output is polled
 * and lock-free (callers serialise, printk holds the console lock); input is
 * interrupt-driven once serial_enable_rx() has been called.
 */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <kernel/types.h>

void serial_init(void);
void serial_putc(char c);
void serial_write(const char *s, size_t n);
/* Hooks up the receive interrupt; each byte received goes to rx(). */
void serial_enable_rx(void (*rx)(u8 c));

#endif
