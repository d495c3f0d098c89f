/** The LCD's colours (0xRRGGBB), shared by the layout, the renderer and every screen. */
export const THEME = {
  background: 0x000000,
  titleBar: 0x1d3557,
  titleText: 0xffffff,
  text: 0xe6e6e6,
  buttonFill: 0x2f2f2f,
  buttonText: 0xffffff,
  warning: 0xffb000,
  dim: 0x9a9a9a,
  danger: 0xff4d4d,
  /** the bar in the left margin beside a row that continues the line above (a wrap, or text after a line break) */
  continuation: 0x5a7fa8,
};
