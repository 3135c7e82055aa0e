package org.meshsec.esp;

import java.util.List;

/**
 * Published ESP test vectors, transcribed with the document, section and case they come from. Hex
 * is as printed (whitespace ignored by {@link Hex#bytes}).
 */
public final class PublishedVectors {
  private PublishedVectors() {}

  /**
   * One AES-CBC ESP packet from RFC 3602 section 4 (cases 5-8). The RFC's packets carry no ICV
   * (they predate mandatory integrity); {@code packet} is SPI || Seq || IV || ciphertext.
   */
  public record CbcEspCase(
      String name,
      String key,
      int spi,
      long seq,
      String iv,
      String payload,
      int nextHeader,
      String packet) {}

  /** RFC 3602 section 4, cases 5 to 8. */
  public static final List<CbcEspCase> RFC3602_ESP =
      List.of(
          // RFC 3602 section 4, Case #5: Sample transport-mode ESP packet (ping 192.168.123.100)
          new CbcEspCase(
              "RFC 3602 case 5",
              "90d382b4 10eeba7a d938c46c ec1a82bf",
              0x4321,
              1,
              "e96e8c08 ab465763 fd098d45 dd3ff893",
              "08000ebd a70a0000 8e9c083d b95b0700 08090a0b 0c0d0e0f 10111213 14151617"
                  + "18191a1b 1c1d1e1f 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637",
              1,
              "00004321 00000001 e96e8c08 ab465763 fd098d45 dd3ff893"
                  + "f663c25d 325c18c6 a9453e19 4e120849 a4870b66 cc6b9965 330013b4 898dc856"
                  + "a4699e52 3a55db08 0b59ec3a 8e4b7e52 775b07d1 db34ed9c 538ab50c 551b874a"
                  + "a269add0 47ad2d59 13ac19b7 cfbad4a6"),
          // RFC 3602 section 4, Case #6: sample transport-mode ESP packet
          new CbcEspCase(
              "RFC 3602 case 6",
              "90d382b4 10eeba7a d938c46c ec1a82bf",
              0x4321,
              8,
              "69d08df7 d203329d b093fc49 24e5bd80",
              "0800b5e8 a80a0500 a69c083d 0b660e00 77777777 77777777 77777777",
              1,
              "00004321 00000008 69d08df7 d203329d b093fc49 24e5bd80"
                  + "f5199588 1ec4e0c4 488987ce 742e8109 689bb379 d2d750c0 d915dca3 46a89f75"),
          // RFC 3602 section 4, Case #7: sample tunnel-mode ESP packet
          new CbcEspCase(
              "RFC 3602 case 7",
              "01234567 89abcdef 01234567 89abcdef",
              0x8765,
              2,
              "f4e76524 4f6407ad f13dc138 0f673f37",
              "45000054 09040000 4001f988 c0a87b03 c0a87bc8 08009f76 a90a0100 b49c083d"
                  + "02a20400 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f 20212223"
                  + "24252627 28292a2b 2c2d2e2f 30313233 34353637",
              4,
              "00008765 00000002 f4e76524 4f6407ad f13dc138 0f673f37"
                  + "773b5241 a4c44922 5e4f3ce5 ed611b0c 237ca96c f74a9301 3c1b0ea1 a0cf70f8"
                  + "e4ecaec7 8ac53aad 7a0f022b 859243c6 47752e94 a859352b 8a4d4d2d ecd136e5"
                  + "c177f132 ad3fbfb2 201ac990 4c74ee0a 109e0ca1 e4dfe9d5 a100b842 f1c22f0d"),
          // RFC 3602 section 4, Case #8: sample tunnel-mode ESP packet
          new CbcEspCase(
              "RFC 3602 case 8",
              "01234567 89abcdef 01234567 89abcdef",
              0x8765,
              5,
              "85d47224 b5f3dd5d 2101d4ea 8dffab22",
              "45000044 090c0000 4001f990 c0a87b03 c0a87bc8 0800d63c aa0a0200 c69c083d"
                  + "a3de0300 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff"
                  + "ffffffff",
              4,
              "00008765 00000005 85d47224 b5f3dd5d 2101d4ea 8dffab22"
                  + "15b92683 819596a8 047232cc 00f7048f e45318e1 1f8a0f62 ede3c3fc 61203bb5"
                  + "0f980a08 c9843fd3 a1b06d5c 07ff9639 b7eb7dfb 3512e5de 435e7207 ed971ef3"
                  + "d2726d9b 5ef6affc 6d17a0de cbb13892"));

  /**
   * One AES-GCM-ESP case from draft-mcgrew-gcm-test-01 section 4: {@code key}, {@code nonce} (salt
   * || IV), the 64-bit {@code seq} (ESN when the draft prints 8 octets), the GCM plaintext
   * (payload, padding, pad length, next header) and the complete ESP packet.
   */
  public record GcmEspCase(
      String name,
      String key,
      int spi,
      long seq,
      boolean esn,
      String nonce,
      String plaintext,
      String packet) {}

  /**
   * draft-mcgrew-gcm-test-01 (March 2009) section 4, every AES-GCM-ESP case with a 128- or 256-bit
   * key, in the draft's order and named by its page. Left out: the AES-192 case on page 12 (ESP
   * suites here are AES-128/256) and the AES-GMAC case on page 19 (ENCR_NULL_AUTH_AES_GMAC is not
   * implemented).
   */
  public static final List<GcmEspCase> MCGREW_GCM =
      List.of(
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p7",
              "4c80cdefbb5d10da906ac73c3613a634",
              0x00004321,
              0x8765432100000000L,
              true,
              "2e443b684956ed7e3b244cfe",
              "45000048699a000080114db7c0a80102"
                  + "c0a801010a9bf15638d3010000010000"
                  + "00000000045f736970045f7564700373"
                  + "69700963796265726369747902646b00"
                  + "0021000101020201",
              "00004321000000004956ed7e3b244cfe"
                  + "fecf537e729d5b07dc30df528dd22b76"
                  + "8d1b98736696a6fd348509fa13ceac34"
                  + "cfa2436f14a3f3cf65925bf1f4a13c5d"
                  + "15b21e1884f5ff6247aeabb786b93bce"
                  + "61bc17d768fd9732459018148f6cbe72"
                  + "2fd04796562dfdb4"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p8",
              "feffe9928665731c6d6a8f9467308308",
              0x0000a5f8,
              0x0000000aL,
              false,
              "cafebabefacedbaddecaf888",
              "4500003e698f000080114dccc0a80102"
                  + "c0a801010a980035002a2343b2d00100"
                  + "00010000000000000373697009637962"
                  + "65726369747902646b00000100010001",
              "0000a5f80000000afacedbaddecaf888"
                  + "deb22cd9b07c72c16e3a65beeb8df304"
                  + "a5a5897d33ae530f1ba76d5d114d2a5c"
                  + "3de81827c10e9a4f51330d0eec416642"
                  + "cfbb85a5b47e48a4ec3b9ba95d918bd1"
                  + "83b70d3aa8bc6ee4c309e9d85a41ad4a"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p9",
              "abbccddef00112233445566778899aab" + "abbccddef00112233445566778899aab",
              0x4a2cbfe3,
              0x00000002L,
              false,
              "112233440102030405060708",
              "4500003069a6400080062690c0a80102"
                  + "9389155e0a9e008b2dc57ee000000000"
                  + "7002400020bf0000020405b401010402"
                  + "01020201",
              "4a2cbfe3000000020102030405060708"
                  + "ff425c9b724599df7a3bcd510194e00d"
                  + "6a78107f1b0b1cbf06efae9d65a5d763"
                  + "748a637985771d347f0545659f14e99d"
                  + "ef842d8eb335f4eecfdbf831824b4c49"
                  + "15956c96"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p10",
              "00000000000000000000000000000000",
              0x00000000,
              0x00000001L,
              false,
              "000000000000000000000000",
              "4500003c99c500008001cb7a40679318"
                  + "010101010800075c0200440061626364"
                  + "65666768696a6b6c6d6e6f7071727374"
                  + "75767761626364656667686901020201",
              "00000000000000010000000000000000"
                  + "4688daf2f973a392732909c331d56d60"
                  + "f694abaa414b5e7ff5fdcdfff5e9a284"
                  + "456476492719ffb64de7d9dca1e1d894"
                  + "bc3bd57873ed4d181d19d4d5c8c18af3"
                  + "f821d496eeb096e98ad2b69e4799c71d"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p11",
              "3de09874b388e6491988d0c3607eae1f",
              0x42f67e3f,
              0x1010101010101010L,
              true,
              "57690e434e280000a2fca1a3",
              "4500003c99c300008001cb7c40679318"
                  + "010101010800085c0200430061626364"
                  + "65666768696a6b6c6d6e6f7071727374"
                  + "75767761626364656667686901020201",
              "42f67e3f101010104e280000a2fca1a3"
                  + "fba2caa4853cf9f0f22cb10d86dd83b0"
                  + "fec75691cf1a04b00d1138ec9c357917"
                  + "65acbd8701ad79845bf9fe3fba487bc9"
                  + "1755e6662b4c8d0d1f5e22739530320a"
                  + "e0d731cc978ecafaeae88f00e80d6e48"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p12 (first)",
              "3de09874b388e6491988d0c3607eae1f",
              0x42f67e3f,
              0x1010101010101010L,
              true,
              "57690e434e280000a2fca1a3",
              "4500001c42a200008001441f406793b6" + "e00000020a00f5ff01020201",
              "42f67e3f101010104e280000a2fca1a3"
                  + "fba2ca845e5df9f0f22c3e6e86dd831e"
                  + "1fc65792cd1af9130e1379ed369f071f"
                  + "35e034be95f112e4e7d05d35"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p13",
              "abbccddef00112233445566778899aab",
              0x00000100,
              0x0000000000000001L,
              true,
              "decaf888cafedebaceface74",
              "4500004933ba00007f119106c3fb1d10"
                  + "c2b1d326c02831ce0035dd7b800302d5"
                  + "00004e20001e8c18d75b81dc91baa047"
                  + "6b91b924b280389d92c963bac046ec95"
                  + "9b6266c04722b14923010101",
              "0000010000000001cafedebaceface74"
                  + "18a6fd42f72cbf4ab2a2ea901f73d814"
                  + "e3e7f243d95412e1c349c1d2fbec168f"
                  + "9190feebaf2cb01984e65863965d7472"
                  + "b79da345e0e780191f0d2f0e0f496c22"
                  + "6f2127b27db35724e7845d68651f57e6"
                  + "5f354f75ff17015769623436"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p14",
              "abbccddef00112233445566778899aab" + "abbccddef00112233445566778899aab",
              0x17405e67,
              0x156f3126dd0db99bL,
              true,
              "73616c74616e640169766563",
              "45080028732c00004006e9f90a010612"
                  + "0a01038f06b88023dd6bafbecb712602"
                  + "50101f646d540001",
              "17405e67dd0db99b616e640169766563"
                  + "f2d69ecdbd5a0d5b8d5ef38bad4da58d"
                  + "1f278fde98ef67549d524a3018d9a57f"
                  + "f4d3a31ce673119e451626c2415771e3"
                  + "b7eebca614c89b35"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p15",
              "3de09874b388e6491988d0c3607eae1f",
              0x42f67e3f,
              0x1010101010101010L,
              true,
              "57690e434e280000a2fca1a3",
              "45000049333e00007f119182c3fb1d10"
                  + "c2b1d326c02831ce0035cb458003025b"
                  + "000001e0001e8c18d65759d52284a035"
                  + "2c71475c8880391c764d6e5ee0496b32"
                  + "5ae270c03899493915010101",
              "42f67e3f101010104e280000a2fca1a3"
                  + "fba2cad12fc1f9f00d3cebf305410db8"
                  + "3d7784b607323d220f24b0a97d541828"
                  + "00cadb0f68d99ef0e0c0c89ae9bea888"
                  + "4e52d65bc1afd0740f742444747b5b39"
                  + "ab533163aad4550ee5160975cdb608c5"
                  + "769189609763b8e18caa81e2"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p16",
              "abbccddef00112233445566778899aab" + "abbccddef00112233445566778899aab",
              0x17405e67,
              0x156f3126dd0db99bL,
              true,
              "73616c74616e640169766563",
              "636973636f0172756c65730174686501"
                  + "6e6574776501646566696e6501746865"
                  + "746563686e6f6c6f6769657301746861"
                  + "7477696c6c01646566696e65746f6d6f"
                  + "72726f7701020201",
              "17405e67dd0db99b616e640169766563"
                  + "d4b7ed86a1777f2ea13d6973d324c69e"
                  + "7b43f826fb56831226508bebd2dceb18"
                  + "d0a6df10e5487df074113e14c641024e"
                  + "3e6773d91a62ee429b043a10e3efe6b0"
                  + "12a49363412364f8c0cac587f249e56b"
                  + "11e24f30e44ccc76"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p17 (first)",
              "7d773d00c144c525ac619d18c84a3f47",
              0x335467ae,
              0xffffffffL,
              false,
              "d966426743457e9182443bc6",
              "01020201",
              "335467aeffffffff43457e9182443bc6" + "437f866bcb3f699fe9b0822bac961c45" + "04bef270"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p17 (second)",
              "abbccddef00112233445566778899aab",
              0x00000100,
              0x0000000000000001L,
              true,
              "decaf888cafedebaceface74",
              "746f016265016f72016e6f7401746f01" + "62650001",
              "0000010000000001cafedebaceface74"
                  + "29c9fc69a197d038ccdd14e2ddfcaa05"
                  + "43332164412503524303ed3c6c5f2838"
                  + "43af8c3e"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p18",
              "6c6567616c697a656d6172696a75616e" + "61616e64646f69746265666f72656961",
              0x796b6963,
              0xffffffffffffffffL,
              true,
              "7475726e333021696765746d",
              "45000030da3a00008001df3bc0a80005"
                  + "c0a800010800c6cd0200070061626364"
                  + "65666768696a6b6c6d6e6f7071727374"
                  + "01020201",
              "796b6963ffffffff333021696765746d"
                  + "f97ab2aa356d8edce17644ac8c78e25d"
                  + "d24dedbb29ebf1b64a274b39b49c3a86"
                  + "4cd3d78ca4ae68a32b42458fb57dbe82"
                  + "1dcc63b9d0937ba2945f669368661a32"
                  + "9fb4c053"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p20",
              "3de09874b388e6491988d0c3607eae1f",
              0x3f7ef642,
              0x1010101010101010L,
              true,
              "57690e434e280000a2fca1a3",
              "45000030da3a00008001df3bc0a80005"
                  + "c0a800010800c6cd0200070061626364"
                  + "65666768696a6b6c6d6e6f7071727374"
                  + "01020201",
              "3f7ef642101010104e280000a2fca1a3"
                  + "fba2caa8c6c5f9f0f22ca54a061210ad"
                  + "3f6e5791cf1aca210d117cec9c357917"
                  + "65acbd8701ad79845bf9fe3fba487bc9"
                  + "6321930684eecadb56912546e7a95c97"
                  + "40d7cb05"),
          new GcmEspCase(
              "draft-mcgrew-gcm-test-01 p21",
              "4c80cdefbb5d10da906ac73c3613a634",
              0x00004321,
              0x8765432100000007L,
              true,
              "22433c644855ec7d3a234bfd",
              "0800c6cd020007006162636465666768" + "696a6b6c6d6e6f707172737401020201",
              "00004321000000074855ec7d3a234bfd"
                  + "74752e8aeb5d873cd7c0f4acc36c4bff"
                  + "84b7d7b98f0ca8b6acda6894bc619069"
                  + "ef9cbc28fe1b56a7c4e0d58c86cd2bc0"));

  /**
   * RFC 7634 Appendix A: the ESP example with ChaCha20-Poly1305 (tunnel mode, ICMP echo). Key
   * material is the 32-byte key followed by the 4-byte salt; SPI 0x01020304, sequence 5, IV
   * 0x1011121314151617.
   */
  public static final String RFC7634_KEYMAT =
      "80 81 82 83 84 85 86 87 88 89 8a 8b 8c 8d 8e 8f"
          + "90 91 92 93 94 95 96 97 98 99 9a 9b 9c 9d 9e 9f"
          + "a0 a1 a2 a3";

  public static final String RFC7634_PAYLOAD =
      "45 00 00 54 a6 f2 00 00 40 01 e7 78 c6 33 64 05"
          + "c0 00 02 05 08 00 5b 7a 3a 08 00 00 55 3b ec 10"
          + "00 07 36 27 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13"
          + "14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23"
          + "24 25 26 27 28 29 2a 2b 2c 2d 2e 2f 30 31 32 33"
          + "34 35 36 37";

  public static final String RFC7634_PACKET =
      "01 02 03 04 00 00 00 05 10 11 12 13 14 15 16 17"
          + "24 03 94 28 b9 7f 41 7e 3c 13 75 3a 4f 05 08 7b"
          + "67 c3 52 e6 a7 fa b1 b9 82 d4 66 ef 40 7a e5 c6"
          + "14 ee 80 99 d5 28 44 eb 61 aa 95 df ab 4c 02 f7"
          + "2a a7 1e 7c 4c 4f 64 c9 be fe 2f ac c6 38 e8 f3"
          + "cb ec 16 3f ac 46 9b 50 27 73 f6 fb 94 e6 64 da"
          + "91 65 b8 28 29 f6 41 e0 76 aa a8 26 6b 7f b0 f7"
          + "b1 1b 36 99 07 e1 ad 43";
}
