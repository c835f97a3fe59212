import nodemailer from "nodemailer";

export interface Mailer {
  send(msg: { to: string; subject: string; text: string }): Promise<void>;
}

/** SMTP delivery through nodemailer; `null` config means no mail (links are shown to the inviter). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(msg) {
      await transport.sendMail({ from, ...msg });
    },
  };
}
