/*
 * init.c - the default PID 1: the demo that `make run` shows.
 *
 * Prints what the machine is, then runs a short busybox session that
 * exercises processes, pipes and the file system, and exits with its
 * status (the kernel powers the VM off with it).
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *demo = "echo '--- busybox on teachos ---';"
			  "uname -a;"
			  "cat /etc/motd;"
			  "mkdir -p /tmp/demo && cd /tmp/demo;"
			  "for i in 1 2 3; do echo line $i >> file; done;"
			  "echo \"file has $(wc -l < file) lines\";"
			  "echo \"CPUs online: $(nproc)\";"
			  "echo hello | tr a-z A-Z;"
			  "echo '--- demo done ---'";

int main(void)
{
	struct utsname u;
	pid_t pid;
	int status;

	uname(&u);
	printf("init: %s %s on %s, pid %d\n", u.sysname, u.release, u.machine, getpid());
	pid = fork();
	if (pid == 0) {
		execl("/bin/busybox", "sh", "-c", demo, (char *)NULL);
		perror("init: exec /bin/busybox");
		_exit(127);
	}
	if (pid < 0) {
		perror("init: fork");
		return 1;
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("init: waitpid");
		return 1;
	}
	printf("init: demo exited with status %d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
