namespace Seccomp;
