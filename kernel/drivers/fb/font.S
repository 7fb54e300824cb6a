/*
 * The framebuffer console's font, a PSF file from Debian's kbd package
 * (gunzipped by the build; FONT_PSF is its path). Exports fbcon_font and
 * fbcon_font_end.
 */
	.section .rodata
	.balign 16
	.globl fbcon_font, fbcon_font_end
fbcon_font:
	.incbin FONT_PSF
fbcon_font_end:
